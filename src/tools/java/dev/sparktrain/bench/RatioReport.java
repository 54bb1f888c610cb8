package dev.sparktrain.bench;

import java.util.Locale;

/**
 * The last section: the ratios the targets of docs/PERFORMANCE.md are stated in, each from two
 * figures of this run (or of the PyTorch figures loaded into it); NaN where one was not measured.
 */
final class RatioReport {
    private RatioReport() {
    }

    static void print(Session ss, BenchModel lr, BenchModel mp, BenchModel bg) {
        Figures fig = ss.fig();
        fig.section("ratios", "ratios against the targets (docs/PERFORMANCE.md)");
        for (String mode : ss.s().modes()) {
            String t = Session.tag(mode);
            fig.note("-- sparktrain " + mode + (mode.equals("shuffle") ? " (reshuffled every epoch, as a DataLoader(shuffle=True))"
                    : " (batches are contiguous row ranges)"));
            fig.ratio("ratio_step_over_floor_logreg_b1024_" + t, "st_logreg_b1024_" + t + "_step_ms",
                    "floor_ms_d" + lr.params(), "<= 1.2", 1.2, true,
                    "logistic step at batch 1024 / Spark floor at d=" + lr.params());
            fig.ratio("ratio_step_over_runjob_floor_logreg_b1024_" + t, "st_logreg_b1024_" + t + "_step_ms",
                    "floor_runjob_ms_d" + lr.params(), "(info)", Double.POSITIVE_INFINITY, true,
                    "logistic step at batch 1024 / floor of SparkBackend's own job path");
            fig.ratio("ratio_step_over_floor_mlp_b1024_" + t, "st_mlp_b1024_" + t + "_step_ms",
                    "floor_ms_d" + mp.params(), "<= 1.2", 1.2, true,
                    "MLP step at batch 1024 / Spark floor at d=" + mp.params());
            fig.ratio("ratio_mllib_over_st_logreg_b10000_" + t, "mllib_sgd_b10000_epoch_s",
                    "st_logreg_b10000_" + t + "_epoch_s", ">= 4", 4, false,
                    "MLlib runMiniBatchSGD epoch / sparktrain logistic epoch, batch 10k");
            fig.ratio("ratio_mllib_over_st_logreg_full_" + t, "mllib_sgd_full_step_ms",
                    "st_logreg_full_" + t + "_step_ms", ">= 2.5", 2.5, false,
                    "MLlib runMiniBatchSGD full-batch step / sparktrain logistic full-batch step");
            fig.ratio("ratio_mllib_mlp_over_st_mlp_full_" + t, "mllib_mlp_gd_iter_s",
                    "st_mlp_full_" + t + "_epoch_s", ">= 1", 1, false,
                    "MLlib MLP gd pass / sparktrain MLP full-batch step (Adam + clip)");
            // the PyTorch script names its figures with the same mode tags
            fig.ratio("ratio_st_over_torch_mlp_b10000_" + t, "st_mlp_b10000_" + t + "_epoch_s",
                    "torch_mlp_f64_b10000_" + t + "_epoch_s", "<= 1.5", 1.5, true,
                    "sparktrain MLP epoch / PyTorch float64 epoch, batch 10k");
            fig.ratio("ratio_st_over_torch_mlp_b100000_" + t, "st_mlp_b100000_" + t + "_epoch_s",
                    "torch_mlp_f64_b100000_" + t + "_epoch_s", "<= 1.0", 1.0, true,
                    "sparktrain MLP epoch / PyTorch float64 epoch, batch 100k");
            fig.ratio("ratio_st_over_torch_f32_mlp_b10000_" + t, "st_mlp_b10000_" + t + "_epoch_s",
                    "torch_mlp_f32_b10000_" + t + "_epoch_s", "(info)", Double.POSITIVE_INFINITY, true,
                    "sparktrain MLP epoch (f64) / PyTorch float32 epoch, batch 10k");
            fig.ratio("ratio_st_over_torch_logreg_b10000_" + t, "st_logreg_b10000_" + t + "_epoch_s",
                    "torch_logreg_f64_b10000_" + t + "_epoch_s", "(info)", Double.POSITIVE_INFINITY, true,
                    "sparktrain logistic epoch / PyTorch float64 epoch, batch 10k");
            if (fig.has("big_" + t + "_step_ms")) {
                double bound = fig.get("floor_ms_d" + bg.params()) + fig.get("big_" + t + "_compute_ms");
                fig.put("big_" + t + "_floor_plus_compute_ms", bound, "ms", "floor at d=" + bg.params()
                        + " + compute");
                fig.ratio("ratio_big_step_over_floor_plus_compute_" + t, "big_" + t + "_step_ms",
                        "big_" + t + "_floor_plus_compute_ms", "<= 1.3", 1.3, true,
                        "1M-param step / (floor at its d + its compute)");
            }
        }
        if (ss.s().section("float32")) float32(ss);
        if (fig.has("scale_linearity_dev_pct")) {
            double dev = fig.get("scale_linearity_dev_pct");
            fig.note(String.format(Locale.ROOT, "epoch time linear in N: largest deviation %.1f%%   target <= 15%%: %s",
                    dev, dev <= 15 ? "MET" : "NOT MET"));
        }
        fig.ratio("ratio_fromarrays_over_generated_floor", "lineage_fromarrays_floor_ms", "lineage_generated_floor_ms",
                "(info)", Double.POSITIVE_INFINITY, true, "floor step: Blocks.fromArrays / per-partition blocks");
    }

    /** The float32 section's ratios: against PyTorch float32, against our own float64. */
    private static void float32(Session ss) {
        Figures fig = ss.fig();
        fig.note("-- float32 (rows stored as float32, models computing in float32)");
        fig.ratio("ratio_kernel_mlp_f32_over_f64", "kernel_mlp32_us_per_row", "kernel_mlp64_us_per_row", "(info)",
                Double.POSITIVE_INFINITY, true, "MLP kernel per row, float32 / float64");
        fig.ratio("ratio_kernel_logreg_f32_over_f64", "kernel_logreg32_us_per_row", "kernel_logreg64_us_per_row", "(info)",
                Double.POSITIVE_INFINITY, true, "logistic kernel per row, float32 / float64");
        fig.ratio("ratio_logreg_full_step_f32_over_f64", "st32_logreg_full_" + Session.tag(ss.s().firstMode()) + "_step_ms",
                "st64_logreg_full_" + Session.tag(ss.s().firstMode()) + "_step_ms", "<= 0.6", 0.6, true,
                "logistic full-batch step, float32 / float64");
        fig.ratio("ratio_logreg_full_step_f32_over_f64_persistent", "st32p_logreg_full_" + Session.tag(ss.s().firstMode()) + "_step_ms",
                "st64p_logreg_full_" + Session.tag(ss.s().firstMode()) + "_step_ms", "<= 0.6", 0.6, true,
                "logistic full-batch step, float32 / float64, persistent steps");
        for (String mode : ss.s().modes()) {
            String t = Session.tag(mode);
            for (long batch : ss.batchList(ss.s().float32Batches())) {
                String b = Session.btag(batch);
                fig.ratio("ratio_st32_over_torch32_mlp_" + b + "_" + t, "st32_mlp_" + b + "_" + t + "_epoch_s",
                        "torch_mlp_f32_" + b + "_" + t + "_epoch_s", "(info)", Double.POSITIVE_INFINITY, true,
                        "sparktrain float32 MLP epoch / PyTorch float32, " + b + " " + mode);
                fig.ratio("ratio_st32p_over_torch32_mlp_" + b + "_" + t, "st32p_mlp_" + b + "_" + t + "_epoch_s",
                        "torch_mlp_f32_" + b + "_" + t + "_epoch_s", "<= 1.0", 1.0, true,
                        "sparktrain float32 MLP epoch, persistent steps / PyTorch float32, " + b + " " + mode);
                fig.ratio("ratio_st32_over_st64_mlp_" + b + "_" + t, "st32_mlp_" + b + "_" + t + "_epoch_s",
                        "st_mlp_" + b + "_" + t + "_epoch_s", "(info)", Double.POSITIVE_INFINITY, true,
                        "sparktrain MLP epoch, float32 / float64 (train section), " + b + " " + mode);
            }
        }
    }
}
