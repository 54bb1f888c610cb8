package dev.sparktrain.spark.load;

import dev.sparktrain.spark.Spark;
import dev.sparktrain.spark.load.source.StagedPartition;
import org.apache.spark.api.java.JavaRDD;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The number step: the driver sorts the staged runs by (file, byte offset), the data-set order
 * whatever Spark's splits, numbers rows 0..n-1 in that order, picks the validation rows by
 * hash, and numbers training and validation rows again from 0.
 */
final class RowNumbering {
    private RowNumbering() {
    }

    /** A run as the driver sees it. */
    private record RunKey(int partition, int run, String file, long start, int rows) implements Serializable {
    }

    /** How many of a run's rows are validation rows. */
    private record RunCount(int partition, int run, long validation) implements Serializable {
    }

    /**
     * Numbers the rows of {@code staged} (this reads the whole source: every row is parsed and
     * validated here); {@code fraction} of them (by hash) become validation rows.
     */
    static RowPlan number(JavaRDD<StagedPartition> staged, String name, long seed, double fraction) {
        List<RunKey> keys = new ArrayList<>(Spark.call("reading " + name, () -> staged.mapPartitionsWithIndex((p, it) -> {
            List<RunKey> out = new ArrayList<>();
            while (it.hasNext()) {
                List<StagedPartition.Run> runs = it.next().runs();
                for (int r = 0; r < runs.size(); r++) {
                    StagedPartition.Run run = runs.get(r);
                    out.add(new RunKey(p, r, run.file(), run.start(), run.rows()));
                }
            }
            return out.iterator();
        }, true).collect()));
        int[] runsPer = new int[staged.getNumPartitions()];
        for (RunKey k : keys) runsPer[k.partition()] = Math.max(runsPer[k.partition()], k.run() + 1);
        // Data-set order; ties (sources without files) by input partition and run.
        keys.sort(Comparator.comparing(RunKey::file).thenComparingLong(RunKey::start)
                .thenComparingInt(RunKey::partition).thenComparingInt(RunKey::run));
        long[][] firstRow = table(runsPer);
        long g = 0;
        for (RunKey k : keys) {
            firstRow[k.partition()][k.run()] = g;
            g += k.rows();
        }
        RowPlan.Split split = new RowPlan.Split(seed, fraction, firstRow);
        long[][] validation = table(runsPer);
        if (fraction > 0) {
            for (RunCount c : countValidation(staged, split)) validation[c.partition()][c.run()] = c.validation();
        }
        long[][] firstTrain = table(runsPer);
        long[][] firstValidation = table(runsPer);
        long t = 0;
        long v = 0;
        for (RunKey k : keys) {
            long vc = validation[k.partition()][k.run()];
            firstTrain[k.partition()][k.run()] = t;
            firstValidation[k.partition()][k.run()] = v;
            t += k.rows() - vc;
            v += vc;
        }
        return new RowPlan(split, firstTrain, firstValidation, t, v);
    }

    private static List<RunCount> countValidation(JavaRDD<StagedPartition> staged, RowPlan.Split split) {
        return Spark.call("splitting off validation rows", () -> staged.mapPartitionsWithIndex((p, it) -> {
            List<RunCount> out = new ArrayList<>();
            while (it.hasNext()) {
                List<StagedPartition.Run> runs = it.next().runs();
                for (int r = 0; r < runs.size(); r++) {
                    long v = 0;
                    for (int i = 0; i < runs.get(r).rows(); i++) if (split.isValidation(p, r, i)) v++;
                    out.add(new RunCount(p, r, v));
                }
            }
            return out.iterator();
        }, true).collect());
    }

    /** One zeroed slot per run of every input partition. */
    private static long[][] table(int[] runsPer) {
        long[][] t = new long[runsPer.length][];
        for (int p = 0; p < runsPer.length; p++) t[p] = new long[runsPer[p]];
        return t;
    }
}
