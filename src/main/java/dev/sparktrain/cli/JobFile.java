package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.plan.PlanChoices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job file: {@code key = value} lines, {@code #} comments, blank lines. Command-line
 * {@code key=value} arguments override it. Every value remembers where it came from
 * ({@code conf/x.conf:12} or {@code command line}) so errors can point at it.
 */
public final class JobFile {
    /** Keys that {@value PlanChoices#NONE} switches off, each with its {@code key.*} options. */
    private static final List<String> SWITCHES = List.of("scheduler", "clip");
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();

    public static JobFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SparkTrainException("job file not found: " + file);
        } catch (IOException e) {
            throw new SparkTrainException("cannot read job file " + file + ": " + e.getMessage());
        }
        JobFile j = new JobFile();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            j.put(line, file + ":" + (i + 1));
        }
        return j;
    }

    /** A job from saved key = value pairs (a checkpoint's or a saved model's), every value from {@code origin}. */
    public static JobFile of(Map<String, String> values, String origin) {
        JobFile j = new JobFile();
        values.forEach((k, v) -> j.put(k + " = " + v, origin));
        return j;
    }

    /**
     * Applies a {@code key=value} override from the command line. {@code scheduler=none} and
     * {@code clip=none} switch that part off, so the options given for it so far go too; a later
     * {@code clip.*} override switches clipping on again (a scheduler needs its name).
     */
    public void override(String arg) {
        put(arg, "command line '" + arg + "'");
        String key = arg.substring(0, arg.indexOf('=')).strip();
        if (SWITCHES.contains(key) && PlanChoices.isNone(values.get(key))) {
            values.keySet().removeIf(k -> k.startsWith(key + "."));
            origins.keySet().removeIf(k -> k.startsWith(key + "."));
        } else if (key.startsWith("clip.") && PlanChoices.isNone(values.get("clip"))) {
            values.remove("clip");
            origins.remove("clip");
        }
    }

    /** Sets {@code key} to {@code value}, coming from {@code origin}. */
    void set(String key, String value, String origin) {
        put(key + " = " + value, origin);
    }

    /** Drops {@code key} (its default applies). */
    void remove(String key) {
        values.remove(key);
        origins.remove(key);
    }

    private void put(String line, String origin) {
        int eq = line.indexOf('=');
        if (eq <= 0) throw new SparkTrainException(origin + ": expected 'key = value', got '" + line + "'");
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        if (!key.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw new SparkTrainException(origin + ": '" + key + "' is not a valid key (letters, digits, '_' and '.')");
        }
        if (value.isEmpty()) {
            throw new SparkTrainException(origin + ": '" + key + "' has no value"
                    + (SWITCHES.contains(key) ? " (" + key + " = " + PlanChoices.NONE + " switches it off)" : ""));
        }
        values.put(key, value);
        origins.put(key, origin);
    }

    public Map<String, String> values() {
        return values;
    }

    public String origin(String key) {
        return origins.getOrDefault(key, "job file");
    }
}
