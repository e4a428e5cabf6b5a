package io.twoway.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh directory {@code target/faults/<prefix>-<n>}: the lowest {@code n} no other holder (in this JVM or another
 * one running tests in the same project) has locked; what an earlier run left there is deleted. The lock is held
 * until {@link #close()}, which deletes the directory.
 */
final class FaultDirectory implements AutoCloseable {

    private static final Path ROOT = Path.of("target", "faults").toAbsolutePath();

    final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private FaultDirectory(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static FaultDirectory claim(String prefix) {
        try {
            Files.createDirectories(ROOT);
            for (int n = 1; ; n++) {
                Path dir = ROOT.resolve(prefix + "-" + n);
                FileChannel channel = FileChannel.open(ROOT.resolve(prefix + "-" + n + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    continue;
                }
                deleteRecursively(dir);
                Files.createDirectories(dir);
                return new FaultDirectory(dir, channel, lock);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim a directory under " + ROOT, e);
        }
    }

    @Override
    public void close() {
        try {
            deleteRecursively(path);
        } catch (IOException e) {
            // the next claim deletes it
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                // released with the channel, or with the JVM
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
