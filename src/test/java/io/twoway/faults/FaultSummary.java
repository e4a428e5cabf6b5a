package io.twoway.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One row per fault scenario, for the whole test JVM: {@link #print()} shows every row recorded so far as a plain
 * table on stdout and rewrites {@code target/fault-suite/summary.md} with them, so that after the last fault test the
 * file holds the whole suite.
 */
public final class FaultSummary {

    /** One scenario: events accepted by the API, delivered (to Stripe or Kafka, as the test counts), duplicated, lost. */
    public record Row(String fault, long accepted, long delivered, long duplicated, long lost, String note) {
    }

    public static final Path FILE = Path.of("target", "fault-suite", "summary.md");
    private static final List<String> HEADERS = List.of("Fault", "Accepted", "Delivered", "Duplicated", "Lost", "Note");
    private static final List<Row> ROWS = new ArrayList<>();

    private FaultSummary() {}

    public static void record(String fault, long accepted, long delivered, long duplicated, long lost, String note) {
        synchronized (ROWS) {
            ROWS.add(new Row(fault, accepted, delivered, duplicated, lost, note == null ? "" : note));
        }
    }

    /** The rows recorded so far, in order. */
    public static List<Row> rows() {
        synchronized (ROWS) {
            return List.copyOf(ROWS);
        }
    }

    /** Prints every row so far as an aligned table and rewrites {@link #FILE}; returns the plain-text table. */
    public static String print() {
        List<Row> rows = rows();
        String text = plainTable(rows);
        String markdown = markdownTable(rows);
        synchronized (FaultSummary.class) {
            System.out.println();
            System.out.println("Fault suite summary (" + rows.size() + (rows.size() == 1 ? " scenario)" : " scenarios)"));
            System.out.print(text);
            System.out.flush();
            try {
                Files.createDirectories(FILE.getParent());
                Path tmp = FILE.resolveSibling(FILE.getFileName() + ".tmp");
                Files.writeString(tmp, markdown, StandardCharsets.UTF_8);
                Files.move(tmp, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + FILE, e);
            }
        }
        return text;
    }

    static String plainTable(List<Row> rows) {
        List<List<String>> cells = cells(rows);
        int[] width = new int[HEADERS.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            List<String> line = cells.get(r);
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                boolean numeric = i >= 1 && i <= 4;
                String padded = numeric ? " ".repeat(width[i] - cell.length()) + cell : cell + " ".repeat(width[i] - cell.length());
                l.append(i == 0 ? "" : "  ").append(padded);
            }
            sb.append(l.toString().stripTrailing()).append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w;
                }
                sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
            }
        }
        return sb.toString();
    }

    static String markdownTable(List<Row> rows) {
        List<List<String>> cells = cells(rows);
        StringBuilder sb = new StringBuilder("# Fault suite summary\n\n");
        for (int r = 0; r < cells.size(); r++) {
            sb.append('|');
            for (String cell : cells.get(r)) {
                sb.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
            }
            sb.append('\n');
            if (r == 0) {
                sb.append("|---|---:|---:|---:|---:|---|\n");
            }
        }
        return sb.toString();
    }

    private static List<List<String>> cells(List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADERS);
        for (Row row : rows) {
            cells.add(List.of(row.fault(), String.valueOf(row.accepted()), String.valueOf(row.delivered()),
                    String.valueOf(row.duplicated()), String.valueOf(row.lost()), row.note().replace("\n", " ")));
        }
        return cells;
    }
}
