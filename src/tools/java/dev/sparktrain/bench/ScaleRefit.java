package dev.sparktrain.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The measured rows read back from a saved scale-bench output (its table lines, and the
 * {@code FIGURE ..._shuffle_read_bytes} lines for the shuffle bytes read locally), so the cost
 * model can be refitted and projected to other (E, d) without running the cluster again:
 * {@code scripts/scale-bench.sh refit=target/scale-bench.txt project=1000:1e8}.
 */
final class ScaleRefit {
    private ScaleRefit() {
    }

    static List<ScaleCase.Row> rows(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Map<String, Long> shuffleRead = new HashMap<>();
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("FIGURE") && f[1].endsWith("_shuffle_read_bytes")) {
                shuffleRead.put(f[1].substring(0, f[1].length() - "_shuffle_read_bytes".length()), (long) Double.parseDouble(f[2]));
            }
        }
        List<ScaleCase.Row> rows = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            // model d E T path step_ms drvcpu compute in_bytes in/8d out_bytes shuf_write shuf_remote tasks msgs check
            if (f.length < 16 || !(f[0].equals("mlp") || f[0].equals("csr")) || !f[1].matches("\\d+")) continue;
            long d = Long.parseLong(f[1]);
            int e = Integer.parseInt(f[2]);
            String path = f[4];
            long tasks = Long.parseLong(f[13]);
            long msgs = Math.round(Double.parseDouble(f[14]));
            long remote = Long.parseLong(f[12]);
            String tag = String.format(java.util.Locale.ROOT, "scale_%s_d%s_e%d_%s", f[0], ScaleReport.dtag(d), e,
                    path.equals("driver") ? "drv" : "exe");
            long local = shuffleRead.getOrDefault(tag, remote) - remote;
            TaskMetricsListener.Totals t = new TaskMetricsListener.Totals(tasks, 1, Long.parseLong(f[8]), 0, Long.parseLong(f[10]),
                    Long.parseLong(f[11]), remote, local, msgs - 2 * tasks, 0, 0);
            rows.add(new ScaleCase.Row(f[0], d, e, Integer.parseInt(f[3]), 0, path, Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]), Double.parseDouble(f[7]), t, 1, null));
        }
        return rows;
    }
}
