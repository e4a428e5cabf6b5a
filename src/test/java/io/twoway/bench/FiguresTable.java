package io.twoway.bench;

import java.util.ArrayList;
import java.util.List;

/** Collects the benchmark's figures and prints them as one aligned table. */
final class FiguresTable {

    private record Row(String section, String metric, String value, String note) {}

    private final List<Row> rows = new ArrayList<>();

    void add(String section, String metric, String value, String note) {
        rows.add(new Row(section, metric, value, note == null ? "" : note));
        System.out.printf("[bench] %s | %s | %s | %s%n", section, metric, value, note == null ? "" : note);
    }

    void print(String header) {
        int s = 7, m = 6, v = 5;
        for (Row r : rows) {
            s = Math.max(s, r.section.length());
            m = Math.max(m, r.metric.length());
            v = Math.max(v, r.value.length());
        }
        String format = "| %-" + s + "s | %-" + m + "s | %" + v + "s | %s%n";
        StringBuilder line = new StringBuilder();
        line.append("=".repeat(s + m + v + 40));
        System.out.println();
        System.out.println(line);
        System.out.println(header);
        System.out.println(line);
        System.out.printf(format, "section", "metric", "value", "note");
        String previous = null;
        for (Row r : rows) {
            if (previous != null && !previous.equals(r.section)) {
                System.out.println("|" + "-".repeat(s + 2) + "|" + "-".repeat(m + 2) + "|" + "-".repeat(v + 2) + "|");
            }
            System.out.printf(format, r.section, r.metric, r.value, r.note);
            previous = r.section;
        }
        System.out.println(line);
        System.out.flush();
    }
}
