package dev.sparktrain.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of an options param ({@code optimizerOptions}, {@code lossOptions}, ...): PyTorch's
 * keyword arguments either as {@code key=value} pairs separated by commas, with lists in
 * brackets or parentheses ({@code lr=0.01, betas=(0.9, 0.99), amsgrad=true}), or as a JSON object
 * ({@code {"lr": 0.01, "betas": [0.9, 0.99]}}). Blank text means no options. Values stay as
 * written (strings) or as JSON gave them; {@link dev.sparktrain.config.Options} converts and
 * checks them when the optimizer, loss or scheduler is built.
 */
final class OptionsText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OptionsText() {
    }

    /** The options in {@code text}; a syntax error throws IllegalArgumentException saying what and where. */
    static Map<String, Object> parse(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) return out;
        String t = text.strip();
        if (t.startsWith("{")) {
            Object v;
            try {
                v = JSON.readValue(t, Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not a valid JSON object: " + e.getOriginalMessage());
            }
            if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException("expected a JSON object, got " + t);
            m.forEach((k, x) -> out.put(String.valueOf(k), x));
            for (String k : out.keySet()) checkKey(k);
            return out;
        }
        for (String part : splitTopLevel(t)) {
            String p = part.strip();
            if (p.isEmpty()) throw new IllegalArgumentException("empty entry in '" + t + "'; expected key=value, key=value");
            int eq = p.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("'" + p + "' is not key=value (e.g. lr=0.01, betas=(0.9, 0.999))");
            String k = p.substring(0, eq).strip();
            String v = p.substring(eq + 1).strip();
            checkKey(k);
            if (v.isEmpty()) throw new IllegalArgumentException("'" + k + "' has no value");
            if (out.put(k, v) != null) throw new IllegalArgumentException("'" + k + "' is given twice");
        }
        return out;
    }

    private static void checkKey(String k) {
        if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("'" + k + "' is not an option name (PyTorch keyword names: letters, digits, _)");
        }
    }

    /** Splits on commas outside brackets, parentheses and braces; unbalanced brackets are an error. */
    static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '[' || ch == '(' || ch == '{') depth++;
            if (ch == ']' || ch == ')' || ch == '}') {
                if (--depth < 0) throw new IllegalArgumentException("unbalanced '" + ch + "' in '" + s + "'");
            }
            if (ch == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) throw new IllegalArgumentException("unclosed bracket in '" + s + "'");
        parts.add(s.substring(start));
        return parts;
    }
}
