package dev.sparktrain.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.SparkTrainException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The safetensors format (huggingface/safetensors), written and read with the Jackson Spark ships:
 * an 8-byte little-endian header length, a JSON header ({@code __metadata__}: string to string;
 * per tensor its dtype, shape and {@code data_offsets [begin, end)} into the data), space-padded
 * to a multiple of 8 bytes, then the tensors' raw little-endian bytes back to back. Reading checks
 * everything the header claims against the bytes there are, and refuses non-finite values, each
 * in one line naming the file and the tensor.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";
    /** Larger headers are refused before reading them (the reference reader's limit is 100 MB too). */
    private static final long MAX_HEADER = 100L << 20;

    /** The element types we write and read: PyTorch's float64 and float32. */
    public enum Dtype {
        F64(8), F32(4);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        /** {@code float64} or {@code float32} (the job-file and command-line spelling). */
        public static Dtype of(String name, String where) {
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "float64", "f64", "double" -> F64;
                case "float32", "f32", "float" -> F32;
                default -> throw new SparkTrainException(where + ": expected float64 or float32, got '" + name + "'");
            };
        }
    }

    /** One tensor: name, element type on disk, shape, and its values (widened to double). */
    public record Tensor(String name, Dtype dtype, long[] shape, double[] values) {
    }

    /** A file's metadata and tensors, in header order. */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
    }

    private Safetensors() {
    }

    /** The file's bytes; float32 tensors are rounded from their double values. */
    public static byte[] encode(Map<String, String> metadata, List<Tensor> tensors) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put(METADATA, metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long end = offset + (long) t.values().length * t.dtype().bytes;
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("dtype", t.dtype().name());
            h.put("shape", t.shape());
            h.put("data_offsets", new long[] {offset, end});
            header.put(t.name(), h);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        if (8L + padded + offset > Integer.MAX_VALUE - 16) {
            throw new SparkTrainException("safetensors: " + (8L + padded + offset) + " bytes do not fit in one Java array");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) b.put((byte) ' ');
        for (Tensor t : tensors) {
            if (t.dtype() == Dtype.F64) for (double v : t.values()) b.putDouble(v);
            else for (double v : t.values()) b.putFloat((float) v);
        }
        return b.array();
    }

    /** Reads a file's bytes; {@code where} names it in errors. */
    public static Contents decode(byte[] bytes, String where) {
        if (bytes.length < 8) {
            throw new SparkTrainException(where + ": " + bytes.length + " bytes: truncated (a safetensors file starts with "
                    + "an 8-byte header length)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        if (n < 2 || n > MAX_HEADER || n > bytes.length - 8L) {
            throw new SparkTrainException(where + ": header length " + Long.toUnsignedString(n) + " but the file has "
                    + (bytes.length - 8) + " bytes after it (truncated, or not a safetensors file)");
        }
        Map<String, Object> header = header(new String(bytes, 8, (int) n, StandardCharsets.UTF_8), where);
        int dataStart = 8 + (int) n;
        int dataLength = bytes.length - dataStart;
        Map<String, String> metadata = metadata(header.remove(METADATA), where);
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) spans.add(span(e.getKey(), e.getValue(), dataLength, where));
        checkCovered(spans, dataLength, where);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Span s : spans) tensors.put(s.name, new Tensor(s.name, s.dtype, s.shape, values(b, dataStart, s, where)));
        return new Contents(metadata, tensors);
    }

    /** A tensor's header entry, checked: its bytes [begin, end) of the data. */
    private record Span(String name, Dtype dtype, long[] shape, long begin, long end) {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> header(String text, String where) {
        try {
            Object h = JSON.readValue(text, Object.class);
            if (h instanceof Map<?, ?> m) return new LinkedHashMap<>((Map<String, Object>) m);
            throw new SparkTrainException(where + ": the header is not a JSON object");
        } catch (JsonProcessingException e) {
            throw new SparkTrainException(where + ": the header is not valid JSON: "
                    + String.valueOf(e.getOriginalMessage()).strip().lines().findFirst().orElse(""));
        }
    }

    private static Map<String, String> metadata(Object m, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m == null) return out;
        if (!(m instanceof Map<?, ?> map)) throw new SparkTrainException(where + ": __metadata__ is not a JSON object");
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String v)) {
                throw new SparkTrainException(where + ": __metadata__ '" + e.getKey() + "' is not a string");
            }
            out.put(String.valueOf(e.getKey()), v);
        }
        return out;
    }

    private static Span span(String name, Object entry, long dataLength, String where) {
        String at = where + ": tensor '" + name + "'";
        if (!(entry instanceof Map<?, ?> m)) throw new SparkTrainException(at + ": expected {dtype, shape, data_offsets}");
        Object dt = m.get("dtype");
        Dtype dtype;
        if ("F64".equals(dt)) dtype = Dtype.F64;
        else if ("F32".equals(dt)) dtype = Dtype.F32;
        else throw new SparkTrainException(at + ": unknown dtype '" + dt + "' (expected F64 or F32)");
        long[] shape = longs(m.get("shape"), -1, at + ": shape");
        long[] offsets = longs(m.get("data_offsets"), 2, at + ": data_offsets");
        long numel = 1;
        for (long d : shape) {
            if (d != 0 && numel > dataLength / d + 1) { // more elements than the data could hold: no overflow below
                throw new SparkTrainException(at + ": shape " + StateDict.shapeText(shape) + " is larger than the file's "
                        + dataLength + " data bytes");
            }
            numel *= d;
        }
        if (offsets[0] > offsets[1] || offsets[1] > dataLength) {
            throw new SparkTrainException(at + ": data_offsets [" + offsets[0] + ", " + offsets[1] + "] lie outside the "
                    + dataLength + " data bytes (truncated, or the header lies)");
        }
        if (offsets[1] - offsets[0] != numel * dtype.bytes) {
            throw new SparkTrainException(at + ": data_offsets [" + offsets[0] + ", " + offsets[1] + "] hold "
                    + (offsets[1] - offsets[0]) + " bytes but shape " + StateDict.shapeText(shape) + " of " + dtype + " needs "
                    + numel * dtype.bytes);
        }
        return new Span(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON list of non-negative integers ({@code size} of them unless -1). */
    private static long[] longs(Object o, int size, String what) {
        if (o instanceof List<?> l && (size < 0 || l.size() == size)) {
            long[] v = new long[l.size()];
            for (int i = 0; i < v.length; i++) {
                if (!(l.get(i) instanceof Number x) || x instanceof Double || x instanceof Float || x.longValue() < 0) {
                    throw new SparkTrainException(what + ": expected non-negative integers, got " + l);
                }
                v[i] = x.longValue();
            }
            return v;
        }
        throw new SparkTrainException(what + ": expected a list of " + (size < 0 ? "" : size + " ") + "integers, got " + o);
    }

    /** The tensors' bytes must tile the data exactly: no overlap, no gap, nothing after the last one. */
    private static void checkCovered(List<Span> spans, long dataLength, String where) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        long at = 0;
        for (Span s : sorted) {
            if (s.begin != at) {
                throw new SparkTrainException(where + ": tensor '" + s.name + "' starts at data byte " + s.begin + ", expected "
                        + at + (s.begin < at ? " (it overlaps the tensor before it)" : " (a gap no tensor covers)"));
            }
            at = s.end;
        }
        if (at != dataLength) {
            throw new SparkTrainException(where + ": the tensors cover " + at + " of the " + dataLength + " data bytes");
        }
    }

    private static double[] values(ByteBuffer b, int dataStart, Span s, String where) {
        int n = (int) ((s.end - s.begin) / s.dtype.bytes);
        double[] v = new double[n];
        int p = dataStart + (int) s.begin;
        for (int i = 0; i < n; i++, p += s.dtype.bytes) {
            v[i] = s.dtype == Dtype.F64 ? b.getDouble(p) : b.getFloat(p);
            if (!Double.isFinite(v[i])) {
                throw new SparkTrainException(where + ": tensor '" + s.name + "' holds " + v[i] + " at element " + i
                        + " (weights must be finite)");
            }
        }
        return v;
    }
}
