package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch 1.13's {@code _LRScheduler}: remembers each group's {@code initial_lr} (set once, by the
 * first scheduler built on the optimizer), counts {@code last_epoch}, and on every step writes
 * {@link #computeLr()} (the recursive, chainable form) into the groups. Subclass constructors
 * must set their fields and then call {@link #initialStep()}, as PyTorch's constructor does.
 */
public abstract class LRScheduler implements Scheduler {
    protected final Optimizer optimizer;
    protected final double[] baseLrs;
    protected int lastEpoch = -1;
    private double[] lastLr;

    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            groups.get(i).setDefault("initial_lr", groups.get(i).lr());
            baseLrs[i] = groups.get(i).getDouble("initial_lr");
        }
    }

    /** The constructor's step: last_epoch becomes 0 and the lr of epoch 0 is written. */
    protected final void initialStep() {
        step();
    }

    @Override
    public Interval naturalInterval() {
        return Interval.EPOCH;
    }

    @Override
    public void step(double metric) {
        lastEpoch++;
        apply(computeLr());
    }

    /** {@code step(epoch)}: jump to an explicit epoch using the closed form (used by SequentialLR). */
    public void stepTo(int epoch) {
        lastEpoch = epoch;
        apply(closedFormLr());
    }

    /** The lr of every group for {@link #lastEpoch}, from the current lr (PyTorch's get_lr). */
    protected abstract double[] computeLr();

    /** The closed form of the schedule at {@link #lastEpoch}; defaults to the recursive form. */
    protected double[] closedFormLr() {
        return computeLr();
    }

    protected final double currentLr(int group) {
        return optimizer.paramGroups().get(group).lr();
    }

    protected final int groupCount() {
        return baseLrs.length;
    }

    /** Every group's current lr times {@code f}: the recursive step the chainable schedulers share. */
    protected final double[] scaled(double f) {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = currentLr(i) * f;
        return lr;
    }

    /** Every group's current lr, unchanged. */
    protected final double[] unchanged() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = currentLr(i);
        return lr;
    }

    /** Every group's base lr times {@code f}: the closed forms. */
    protected final double[] baseScaled(double f) {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLrs[i] * f;
        return lr;
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    /** SequentialLR "undoes" the constructor's step of its children before restarting the first. */
    void rewind() {
        lastEpoch--;
    }

    /** Writes the lrs into the groups and remembers them as the last lr. */
    protected final void apply(double[] lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < lrs.length; i++) groups.get(i).setLr(lrs[i]);
        lastLr = lrs.clone();
    }

    @Override
    public double[] lastLr() {
        return lastLr.clone();
    }

    public int lastEpoch() {
        return lastEpoch;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scheduler", getClass().getSimpleName());
        m.put("last_epoch", lastEpoch);
        m.put("base_lrs", baseLrs.clone());
        m.put("last_lr", lastLr.clone());
        saveExtra(m);
        return m;
    }

    @Override
    public void loadState(Map<String, Object> m) {
        ScheduleMath.checkSavedBy(getClass().getSimpleName(), m);
        lastEpoch = ((Number) m.get("last_epoch")).intValue();
        double[] b = (double[]) m.get("base_lrs");
        if (b.length != baseLrs.length) {
            throw new SparkTrainException(getClass().getSimpleName() + " state: " + b.length + " param groups, expected " + baseLrs.length);
        }
        System.arraycopy(b, 0, baseLrs, 0, b.length);
        lastLr = ((double[]) m.get("last_lr")).clone();
        loadExtra(m);
    }

    /** Subclasses with evolving fields beyond last_epoch save them here. */
    protected void saveExtra(Map<String, Object> m) {
    }

    protected void loadExtra(Map<String, Object> m) {
    }
}
