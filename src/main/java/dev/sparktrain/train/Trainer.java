package dev.sparktrain.train;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.OptimizerShard;
import dev.sparktrain.optim.ParamGroup;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.NormPieces;
import dev.sparktrain.optim.lr.ReduceLROnPlateau;
import dev.sparktrain.optim.lr.Scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * The driver's training loop, independent of where gradients are computed. One step: get the
 * batch's sums from the backend, divide by the global normalizer (PyTorch's mean; 1 for the
 * 'sum' reduction), clip, step
 * the optimizer, step a per-step scheduler. At the end of an epoch: validation, the per-epoch
 * scheduler (ReduceLROnPlateau gets the validation loss, or the training loss without one),
 * early stopping, the listeners (progress, metrics, checkpoints).
 *
 * <p>A run can continue from a checkpoint: restore the optimizer's and scheduler's state (and the
 * parameters) first, then {@link #resumeAt}. Because an epoch's shuffle order depends only on
 * (seed, epoch), the continued run takes exactly the steps the uninterrupted one would have.
 */
public final class Trainer {
    private final Optimizer optimizer;
    private final Scheduler scheduler;
    private final GradientClipper clipper;
    private final TrainSettings settings;
    private final List<TrainListener> listeners = new ArrayList<>();
    private EarlyStopping earlyStopping;
    private int startEpoch;
    private long startStep;
    private List<EpochStats> priorHistory = List.of();
    private long skipped;

    public Trainer(Optimizer optimizer, Scheduler scheduler, GradientClipper clipper, TrainSettings settings) {
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.clipper = clipper;
        this.settings = settings;
    }

    /** The optimizer whose param groups this loop steps (and whose state a sharded step starts from). */
    public Optimizer optimizer() {
        return optimizer;
    }

    public Trainer listen(TrainListener l) {
        listeners.add(l);
        return this;
    }

    /** Stops on a plateau of a validation metric (and restores the best weights at the end if asked). */
    public Trainer earlyStopping(EarlyStopping es) {
        this.earlyStopping = es;
        return this;
    }

    /**
     * Continues a run after {@code epochsDone} epochs and {@code steps} optimizer steps, whose
     * figures were {@code history}. The caller has already restored the parameters, the optimizer,
     * the scheduler and the early stopping state.
     */
    public Trainer resumeAt(int epochsDone, long steps, List<EpochStats> history) {
        if (epochsDone < 0 || steps < 0) throw new IllegalArgumentException("negative epoch or step count");
        this.startEpoch = epochsDone;
        this.startStep = steps;
        this.priorHistory = List.copyOf(history);
        return this;
    }

    /** Steps skipped for a non-finite loss or gradient by this trainer (train.nonfinite = skip). */
    public long skippedSteps() {
        return skipped;
    }

    private Scheduler.Interval interval() {
        if (scheduler == null) return null;
        return settings.schedulerInterval() != null ? settings.schedulerInterval() : scheduler.naturalInterval();
    }

    /**
     * Trains {@code params} in place up to the configured epochs (or an early stop); returns every
     * epoch's figures, those before a resume included.
     */
    public List<EpochStats> fit(double[] params, StepBackend backend) {
        long n = backend.trainRows();
        if (n == 0) throw new SparkTrainException("training set is empty");
        long batch = settings.batchSize() == 0 ? n : settings.batchSize();
        long stepsPerEpoch = (n + batch - 1) / batch;
        List<EpochStats> history = new ArrayList<>(priorHistory);
        long globalStep = startStep;
        ShardedUpdates owners = backend.sharded();
        for (TrainListener l : listeners) l.startFit(owners);
        boolean stop = earlyStopping != null && earlyStopping.stopped();
        boolean synced = false; // a sharded run: whether the driver's copy is the owners' since the last step
        for (int epoch = startEpoch; epoch < settings.epochs() && !stop; epoch++) {
            long t0 = System.nanoTime();
            double[] lrAtStart = lrs();
            EpochOrder order = new EpochOrder(n, settings.shuffle(), settings.seed(), epoch);
            for (TrainListener l : listeners) l.beforeEpoch(epoch + 1, stepsPerEpoch);
            double lossWeighted = 0;
            double correct = 0;
            long rowsCounted = 0;       // batch rows of the steps taken
            long labelled = 0;          // of those, the rows accuracy counts (ignore_index rows left out)
            double gradNorm = Double.NaN;
            for (long s = 0; s < stepsPerEpoch; s++, globalStep++) {
                long ts = System.nanoTime();
                long from = s * batch;
                long to = Math.min(n, from + batch);
                long rows = to - from;
                double norm;
                double batchLoss;
                double stepNorm;
                double[] grad = null;
                long labelledRows;
                double correctRows;
                if (owners != null) {
                    ShardedUpdates.ShardedSums sums = owners.batch(order, epoch, (int) s, from, to);
                    norm = sums.normalizer();
                    batchLoss = sums.reducedLoss();
                    stepNorm = sums.norm();
                    labelledRows = sums.rows();
                    correctRows = sums.correct();
                } else {
                    StepSums sums = backend.batchSums(params, order, epoch, (int) s, from, to);
                    norm = sums.normalizer();
                    batchLoss = sums.reducedLoss();
                    grad = sums.grad();   // ours to keep: reduced in place
                    for (int i = 0; i < grad.length; i++) grad[i] /= norm;
                    // The norm is taken before clipping; NaN or Inf in any component makes it non-finite.
                    stepNorm = !Double.isFinite(batchLoss) ? Double.NaN : clipper == null ? norm2(grad) : clipper.clip(grad);
                    labelledRows = sums.rows();
                    correctRows = sums.correct();
                }
                if (!Double.isFinite(batchLoss) || !Double.isFinite(stepNorm)) {
                    String what = "epoch " + (epoch + 1) + " step " + (s + 1) + ": "
                            + (norm == 0 ? "the batch's sample weights (times its targets' class weights) add up to 0, "
                            + "or every row's label is the loss's ignore_index, so its mean loss is 0/0"
                            : !Double.isFinite(batchLoss) ? "the loss is " + batchLoss
                            : "the gradient norm is " + stepNorm);
                    if (settings.nonFinite() == TrainSettings.NonFinite.STOP) {
                        throw new SparkTrainException(what + " (diverged or bad data); stopped before the optimizer step, "
                                + "the last checkpoint is intact; lower the lr, enable clipping, or set train.nonfinite = skip");
                    }
                    // as AMP's GradScaler: no optimizer step, but the schedule goes on (a per-step scheduler
                    // still steps; ReduceLROnPlateau, which would judge the non-finite loss, does not)
                    skipped++;
                    if (owners != null) owners.skip();
                    for (TrainListener l : listeners) l.skippedStep(epoch + 1, globalStep + 1, what);
                    if (interval() == Scheduler.Interval.STEP && !(scheduler instanceof ReduceLROnPlateau)) scheduler.step();
                    continue;
                }
                gradNorm = stepNorm;
                for (TrainListener l : listeners) l.beforeStep(epoch, globalStep, optimizer);
                double[] lrUsed = listeners.isEmpty() ? null : lrs();
                if (owners != null) owners.step(stepNorm, OptimizerShard.hypers(optimizer));
                else optimizer.step(params, grad);
                if (interval() == Scheduler.Interval.STEP) scheduler.step(batchLoss);
                if (!listeners.isEmpty()) {
                    StepStats ss = new StepStats(epoch + 1, globalStep + 1, batchLoss, gradNorm, lrUsed, rows,
                            (System.nanoTime() - ts) / 1e9);
                    for (TrainListener l : listeners) l.afterStep(ss);
                }
                lossWeighted += batchLoss * rows;
                rowsCounted += rows;
                labelled += labelledRows;
                correct += correctRows;
            }
            // skipped steps (train.nonfinite = skip) count in neither the loss nor the accuracy
            double trainLoss = rowsCounted == n ? lossWeighted / n : lossWeighted / rowsCounted;
            double trainAcc = correct / labelled;
            StepSums val = backend.validationSums(params);
            double valLoss = val == null ? Double.NaN : val.reducedLoss();
            double valAcc = val == null ? Double.NaN : val.accuracy();
            if (val != null && val.normalizer() > 0 && !Double.isFinite(valLoss)) {
                throw new SparkTrainException("epoch " + (epoch + 1) + " validation: the loss is " + valLoss
                        + " (diverged); stopped before this epoch's checkpoint, the last checkpoint is intact");
            }
            if (interval() == Scheduler.Interval.EPOCH) scheduler.step(val == null ? trainLoss : valLoss);
            double secs = (System.nanoTime() - t0) / 1e9;
            EpochStats st = new EpochStats(epoch + 1, globalStep, trainLoss, trainAcc, valLoss, valAcc,
                    lrAtStart, gradNorm, secs, n / secs);
            history.add(st);
            // the driver's copy of the parameters and optimizer state when a listener reads them, of the
            // parameters alone when early stopping keeps this epoch's (a sharded run's checkpoint reads
            // neither: its owners write their slices)
            if (owners != null) {
                synced = listeners.stream().anyMatch(l -> l.needsParams(st));
                if (synced) sync(owners, params);
                else if (earlyStopping != null && earlyStopping.keepsParams(st)) owners.copyParams(params);
            }
            if (earlyStopping != null) stop = earlyStopping.update(st, params);
            for (TrainListener l : listeners) l.afterEpoch(st, params);
        }
        if (owners != null && !synced) sync(owners, params); // not twice when the last epoch's listeners had it fetched
        if (earlyStopping != null) earlyStopping.restore(params);
        return history;
    }

    /** The owners' parameters and optimizer state into the driver's (d values: once an epoch at most). */
    private void sync(ShardedUpdates owners, double[] params) {
        owners.copyParams(params);
        optimizer.loadState(owners.optimizerState());
    }

    /**
     * The 2-norm of the gradient, reported as grad_norm when nothing clips: summed over blocks of
     * the vector ({@link NormPieces}), as a sharded step sums it from its owners' partials.
     */
    private static double norm2(double[] g) {
        return new NormPieces(new int[] {g.length}).norm2(g);
    }

    private double[] lrs() {
        List<ParamGroup> gs = optimizer.paramGroups();
        double[] lr = new double[gs.size()];
        for (int i = 0; i < lr.length; i++) lr[i] = gs.get(i).lr();
        return lr;
    }
}
