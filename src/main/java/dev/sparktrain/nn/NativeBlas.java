package dev.sparktrain.nn;

import dev.ludovic.netlib.blas.BLAS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Keeps netlib quiet on a machine without a system BLAS. netlib's JNI library dlopen()s
 * {@code libblas.so.3} and, when that fails, writes {@code netlib-blas: JNI_OnLoad: dlopen(...)
 * failed} straight to the process's stderr (native code: no logger can route it). So before netlib
 * first loads we look for the library where the dynamic loader would (LD_LIBRARY_PATH, the
 * ld.so cache, the default directories) and, when it is nowhere, set netlib's documented
 * {@code dev.ludovic.netlib.blas.allowNative=false}: netlib goes straight to its Java BLAS.
 * An explicit {@code allowNative} is never overridden. Runs in every JVM that computes
 * ({@link Linear} calls {@link #prepare()} when it loads), so executors are quiet too.
 */
public final class NativeBlas {
    static final String ALLOW = "dev.ludovic.netlib.blas.allowNative";
    static final String LIB = "dev.ludovic.netlib.blas.nativeLib";
    static final String LIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
    static final String DEFAULT_LIB = "libblas.so.3";
    /** The default directories of glibc's loader (besides its cache). */
    private static final List<String> DEFAULT_DIRS = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64");
    private static String skippedFor;

    private NativeBlas() {
    }

    /** Decides, once per JVM and before netlib loads, whether netlib may try its native BLAS. */
    public static synchronized void prepare() {
        if (skippedFor != null || System.getProperty(ALLOW) != null) return;
        if (!System.getProperty("os.name", "").startsWith("Linux")) return;
        String lib = library();
        if (!findable(lib, ldLibraryPath(), readCache(), Files::isReadable)) {
            System.setProperty(ALLOW, "false");
            skippedFor = lib;
        }
    }

    /** The library netlib would open: {@code nativeLibPath}, else {@code nativeLib}, else libblas.so.3. */
    static String library() {
        String path = System.getProperty(LIB_PATH);
        return path != null ? path : System.getProperty(LIB, DEFAULT_LIB);
    }

    /**
     * Whether the dynamic loader can find {@code lib}: a path is checked as is; a bare name in
     * the LD_LIBRARY_PATH directories, at the paths the ld.so cache lists for it, or in the
     * default directories. {@code readable} is true for a file that exists (a dangling
     * alternatives link is not).
     */
    static boolean findable(String lib, List<String> ldLibraryPath, byte[] ldCache, Predicate<Path> readable) {
        if (lib.contains("/")) return readable.test(Path.of(lib));
        List<Path> candidates = new ArrayList<>();
        for (String dir : ldLibraryPath) if (!dir.isEmpty()) candidates.add(Path.of(dir, lib));
        candidates.addAll(cachedPaths(lib, ldCache));
        for (String dir : DEFAULT_DIRS) candidates.add(Path.of(dir, lib));
        return candidates.stream().anyMatch(readable);
    }

    /** The absolute paths of {@code lib} in /etc/ld.so.cache (NUL-separated strings among binary tables). */
    static List<Path> cachedPaths(String lib, byte[] cache) {
        List<Path> paths = new ArrayList<>();
        String suffix = "/" + lib;
        int start = 0;
        for (int i = 0; i <= cache.length; i++) {
            if (i == cache.length || cache[i] == 0) {
                if (i - start > suffix.length() && cache[start] == '/') {
                    String s = new String(cache, start, i - start, StandardCharsets.ISO_8859_1);
                    if (s.endsWith(suffix)) paths.add(Path.of(s));
                }
                start = i + 1;
            }
        }
        return paths;
    }

    private static List<String> ldLibraryPath() {
        String v = System.getenv("LD_LIBRARY_PATH");
        return v == null ? List.of() : List.of(v.split(":"));
    }

    private static byte[] readCache() {
        try {
            return Files.readAllBytes(Path.of("/etc/ld.so.cache"));
        } catch (IOException | RuntimeException e) {
            return new byte[0];
        }
    }

    /**
     * Which BLAS runs, for the job's first line: {@code JNIBLAS}, or the Java one with the reason
     * and how to get the native one.
     */
    public static String describe() {
        prepare();
        String name = BLAS.getInstance().getClass().getSimpleName();
        return describe(name, skippedFor, System.getProperty(ALLOW), library());
    }

    static String describe(String name, String skippedFor, String allow, String lib) {
        if (name.startsWith("JNI")) return name;
        String why;
        if (skippedFor != null) why = "no " + skippedFor + " found";
        else if ("false".equalsIgnoreCase(allow)) why = ALLOW + "=false";
        else why = lib + " did not load";
        return String.format(Locale.ROOT, "%s (pure Java, %s; for native BLAS install OpenBLAS, "
                + "e.g. apt install libopenblas0)", name, why);
    }
}
