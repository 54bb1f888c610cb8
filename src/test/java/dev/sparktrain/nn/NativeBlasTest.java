package dev.sparktrain.nn;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeBlasTest {
    /** A cache image as ldconfig writes it: binary tables, then NUL-terminated names and paths. */
    private static byte[] cache(String... strings) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{'g', 'l', 'i', 'b', 'c', 1, 0, 0, 7, 0, 0, 0, 0});
        for (String s : strings) {
            b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            b.write(0);
        }
        return b.toByteArray();
    }

    @Test
    void cachedPathsAreTheAbsolutePathsEndingInTheLibrary() {
        byte[] c = cache("libblas.so.3", "/usr/lib/x86_64-linux-gnu/libblas.so.3", "libcblas.so.3",
                "/usr/lib/x86_64-linux-gnu/libcblas.so.3", "/opt/x/libblas.so.3.bak");
        assertEquals(List.of(Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3")), NativeBlas.cachedPaths("libblas.so.3", c));
        assertEquals(List.of(), NativeBlas.cachedPaths("libblas.so.3", new byte[0]));
    }

    @Test
    void findsTheLibraryWhereTheLoaderLooks() {
        byte[] c = cache("/usr/lib/x86_64-linux-gnu/libblas.so.3");
        // in the cache and present
        assertTrue(NativeBlas.findable("libblas.so.3", List.of(), c, Set.of(Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3"))::contains));
        // in the cache, but the alternatives link dangles (libopenblas removed): not findable
        assertFalse(NativeBlas.findable("libblas.so.3", List.of(), c, p -> false));
        // LD_LIBRARY_PATH, and the default directories without any cache
        assertTrue(NativeBlas.findable("libblas.so.3", List.of("", "/opt/blas"), new byte[0], Set.of(Path.of("/opt/blas/libblas.so.3"))::contains));
        assertTrue(NativeBlas.findable("libblas.so.3", List.of(), new byte[0], Set.of(Path.of("/usr/lib64/libblas.so.3"))::contains));
        assertFalse(NativeBlas.findable("libblas.so.3", List.of("/opt/blas"), new byte[0], Set.of(Path.of("/opt/other/libblas.so.3"))::contains));
        // a path (nativeLibPath) is taken as is
        assertTrue(NativeBlas.findable("/opt/mkl/libblas.so.3", List.of(), c, Set.of(Path.of("/opt/mkl/libblas.so.3"))::contains));
        assertFalse(NativeBlas.findable("/opt/mkl/libblas.so.3", List.of(), c, Set.of(Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3"))::contains));
    }

    @Test
    void theFirstLineSaysWhichBlasRunsAndHowToGetTheNativeOne() {
        assertEquals("JNIBLAS", NativeBlas.describe("JNIBLAS", null, null, "libblas.so.3"));
        assertEquals("VectorBLAS (pure Java, no libblas.so.3 found; for native BLAS install OpenBLAS, e.g. apt install libopenblas0)",
                NativeBlas.describe("VectorBLAS", "libblas.so.3", "false", "libblas.so.3"));
        assertEquals("Java11BLAS (pure Java, dev.ludovic.netlib.blas.allowNative=false; for native BLAS install OpenBLAS, "
                + "e.g. apt install libopenblas0)", NativeBlas.describe("Java11BLAS", null, "false", "libblas.so.3"));
        assertEquals("VectorBLAS (pure Java, /opt/libblas.so.3 did not load; for native BLAS install OpenBLAS, "
                + "e.g. apt install libopenblas0)", NativeBlas.describe("VectorBLAS", null, null, "/opt/libblas.so.3"));
    }
}
