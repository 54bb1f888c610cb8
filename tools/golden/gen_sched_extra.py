#!/usr/bin/python3
"""Extra LR-scheduler golden cases from real PyTorch 1.13 (float64, CPU, deterministic).

Run with Debian's /usr/bin/python3 (it has torch 1.13.1):
    /usr/bin/python3 tools/golden/gen_sched_extra.py [out_dir]
Writes <id>.json into src/test/resources/golden-extra/ (file names start with the scheduler
name in lower case), in the schema of src/test/resources/golden/README.md, kind "scheduler".
Optional additions for several param groups (same layout as the optimizer extras):
  "param_shapes": [[1], [1]]  one scalar tensor per group
  "param_groups": [{"tensors": [i], "options": {...}}, ...]  group i holds tensor i, with overrides
  "lr_groups": one list per group, recorded like "lr" (which stays group 0's)
Run by SchedulerExtraGoldenTest. Re-running gives byte-identical files.
"""
import json
import os
import random
import sys

import torch
from torch.optim import lr_scheduler as S

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "test", "resources", "golden-extra")


def make_optimizer(spec, groups):
    cls = getattr(torch.optim, spec["name"])
    if groups is None:
        return cls([torch.nn.Parameter(torch.tensor([0.5]))], **spec["options"])
    return cls([dict(params=[torch.nn.Parameter(torch.tensor([0.5]))], **g["options"]) for g in groups],
               **spec["options"])


def build(name, opt, options):
    if name in ("SequentialLR", "ChainedScheduler"):
        subs = [build(s["scheduler"], opt, s.get("options", {})) for s in options["schedulers"]]
        if name == "ChainedScheduler":
            return S.ChainedScheduler(subs)
        rest = {k: v for k, v in options.items() if k != "schedulers"}
        return S.SequentialLR(opt, subs, **rest)
    return getattr(S, name)(opt, **options)


def momentum_of(group, key):
    return group["betas"][0] if key == "betas[0]" else group["momentum"]


def case(cid, description, scheduler, options, optimizer, steps, metrics=None, momentum_key=None, groups=None):
    opt = make_optimizer(optimizer, groups)
    sched = build(scheduler, opt, options)
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = [momentum_of(opt.param_groups[0], momentum_key)] if momentum_key else None
    p = opt.param_groups[0]["params"][0]
    for i in range(steps):
        p.grad = torch.full_like(p, 0.25)
        for g in opt.param_groups[1:]:
            g["params"][0].grad = torch.full_like(p, 0.25)
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        if momentum_key:
            moms.append(momentum_of(opt.param_groups[0], momentum_key))
    c = {"id": cid, "kind": "scheduler", "description": description, "scheduler": scheduler, "options": options,
         "base_lr": optimizer["options"]["lr"], "optimizer": optimizer, "steps": steps}
    if groups is not None:
        c["param_shapes"] = [[1] for _ in groups]
        c["param_groups"] = [{"tensors": [i], "options": g["options"]} for i, g in enumerate(groups)]
    if metrics is not None:
        c["metrics"] = metrics
    c["lr"] = [row[0] for row in lrs]
    if groups is not None:
        c["lr_groups"] = [[row[k] for row in lrs] for k in range(len(groups))]
    if momentum_key:
        c["momentum_key"] = momentum_key
        c["momentum"] = moms
    c["torch_version"] = "1.13.1"
    c["dtype"] = "float64"
    write(c)


def write(c):
    compact = lambda v: json.dumps(v, separators=(",", ":"))
    body = ",\n".join(" %s: %s" % (json.dumps(k), compact(v)) for k, v in c.items())
    with open(os.path.join(OUT, c["id"] + ".json"), "w") as f:
        f.write("{\n" + body + "\n}\n")


def plateau_metrics(seed, n, mode):
    """A noisy curve with stalls: improves, plateaus, improves a little, plateaus again."""
    rnd = random.Random(seed)
    out, v = [], 1.0
    for i in range(n):
        trend = -0.05 if (i < 8 or 20 <= i < 24) else 0.0
        v = v + trend + rnd.uniform(-0.01, 0.01)
        out.append(round(v if mode == "min" else -v, 10))
    return out


SGD = lambda lr, **kw: {"name": "SGD", "options": dict(lr=lr, **kw)}


def main():
    os.makedirs(OUT, exist_ok=True)
    case("multisteplr_repeated_milestones", "milestone 3 listed three times: gamma^3 at once; unsorted input",
         "MultiStepLR", {"milestones": [12, 3, 3, 8, 3, 12], "gamma": 0.5}, SGD(0.1), 20)
    case("multisteplr_default_gamma", "gamma defaults to 0.1", "MultiStepLR", {"milestones": [2, 5]}, SGD(1.0), 8)
    case("steplr_default_gamma", "gamma defaults to 0.1", "StepLR", {"step_size": 3}, SGD(0.5), 12)
    case("exponentiallr_gamma_above_one", "growing lr", "ExponentialLR", {"gamma": 1.05}, SGD(0.01), 25)
    case("constantlr_factor_total_iters", "factor 0.25 until epoch 3", "ConstantLR",
         {"factor": 0.25, "total_iters": 3}, SGD(0.2), 10)
    case("constantlr_defaults", "factor 1/3, total_iters 5", "ConstantLR", {}, SGD(0.3), 9)
    case("linearlr_defaults", "start_factor 1/3 to 1 over 5", "LinearLR", {}, SGD(0.3), 9)
    case("linearlr_partial_decay", "0.9 down to 0.05 over 7", "LinearLR",
         {"start_factor": 0.9, "end_factor": 0.05, "total_iters": 7}, SGD(0.1), 12)
    case("polynomiallr_power2", "quadratic decay to 0 over 8, then constant", "PolynomialLR",
         {"total_iters": 8, "power": 2.0}, SGD(0.1), 14)
    case("polynomiallr_power_half_defaults", "total_iters default 5, power 0.5", "PolynomialLR",
         {"power": 0.5}, SGD(0.1), 9)
    case("cosineannealinglr_rises_again", "T_max 5: trough at 5, back up to the base lr at 10, down again",
         "CosineAnnealingLR", {"T_max": 5, "eta_min": 0.01}, SGD(0.1), 26)
    case("cosineannealingwarmrestarts_tmult2_etamin", "periods 3, 6, 12, 24 with eta_min",
         "CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.01}, SGD(0.1), 50)
    case("cosineannealingwarmrestarts_tmult3", "periods 2, 6, 18", "CosineAnnealingWarmRestarts",
         {"T_0": 2, "T_mult": 3}, SGD(0.05), 30)
    case("cycliclr_exp_range_momentum_step_down", "exp_range (scale by gamma^iteration) with momentum cycling",
         "CyclicLR", {"base_lr": 0.01, "max_lr": 0.2, "step_size_up": 5, "step_size_down": 3, "mode": "exp_range",
                      "gamma": 0.95, "base_momentum": 0.7, "max_momentum": 0.95},
         SGD(0.1, momentum=0.9), 40, momentum_key="momentum")
    case("cycliclr_triangular2_default_momentum", "triangular2, default base/max momentum 0.8/0.9",
         "CyclicLR", {"base_lr": 0.001, "max_lr": 0.1, "step_size_up": 3, "mode": "triangular2"},
         SGD(0.05, momentum=0.5, nesterov=True), 30, momentum_key="momentum")
    case("cycliclr_two_groups", "per-group base_lr/max_lr lists, triangular, no momentum", "CyclicLR",
         {"base_lr": [0.01, 0.001], "max_lr": [0.1, 0.02], "step_size_up": 4, "cycle_momentum": False},
         SGD(0.1), 20, groups=[{"options": {}}, {"options": {"lr": 0.3}}])
    case("onecyclelr_epochs_steps_linear", "total = epochs*steps_per_epoch = 4*7, linear anneal", "OneCycleLR",
         {"max_lr": 0.3, "epochs": 4, "steps_per_epoch": 7, "anneal_strategy": "linear"},
         SGD(0.1, momentum=0.9), 27, momentum_key="momentum")
    case("onecyclelr_defaults_one_extra_step", "defaults; stepped total_steps times (one past the end)",
         "OneCycleLR", {"max_lr": 0.5, "total_steps": 20}, SGD(0.1, momentum=0.5), 20, momentum_key="momentum")
    case("onecyclelr_two_groups_max_lr_list", "max_lr list per group, three phases, momentum lists",
         "OneCycleLR", {"max_lr": [0.2, 0.05], "total_steps": 30, "three_phase": True,
                        "base_momentum": [0.8, 0.7], "max_momentum": [0.9, 0.95]},
         SGD(0.1, momentum=0.9), 29, momentum_key="momentum", groups=[{"options": {}}, {"options": {"lr": 0.01}}])
    case("reducelronplateau_max_abs_cooldown_min_lr", "max mode, abs threshold, cooldown, min_lr floor",
         "ReduceLROnPlateau", {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.02,
                               "threshold_mode": "abs", "cooldown": 2, "min_lr": 0.01},
         SGD(0.1), 40, metrics=plateau_metrics(7, 40, "max"))
    case("reducelronplateau_defaults", "min mode, rel 1e-4, patience 10, factor 0.1", "ReduceLROnPlateau",
         {}, SGD(0.1), 45, metrics=plateau_metrics(11, 45, "min"))
    case("reducelronplateau_two_groups_min_lr_list", "per-group min_lr list", "ReduceLROnPlateau",
         {"factor": 0.5, "patience": 0, "min_lr": [0.02, 0.001]}, SGD(0.1), 30,
         metrics=plateau_metrics(3, 30, "min"), groups=[{"options": {}}, {"options": {"lr": 0.05}}])
    case("sequentiallr_three_two_milestones", "LinearLR warm-up, then CosineAnnealingLR, then ExponentialLR",
         "SequentialLR", {"schedulers": [
             {"scheduler": "LinearLR", "options": {"start_factor": 0.1, "total_iters": 3}},
             {"scheduler": "CosineAnnealingLR", "options": {"T_max": 6, "eta_min": 0.001}},
             {"scheduler": "ExponentialLR", "options": {"gamma": 0.8}}], "milestones": [3, 10]}, SGD(0.1), 20)
    case("sequentiallr_multistep_warmrestarts", "MultiStepLR then CosineAnnealingWarmRestarts (own step(0))",
         "SequentialLR", {"schedulers": [
             {"scheduler": "MultiStepLR", "options": {"milestones": [1, 2], "gamma": 0.5}},
             {"scheduler": "CosineAnnealingWarmRestarts", "options": {"T_0": 3, "T_mult": 2}}],
             "milestones": [4]}, SGD(0.1), 20)
    case("chainedscheduler_linear_exponential", "LinearLR warm-up multiplied by ExponentialLR decay",
         "ChainedScheduler", {"schedulers": [
             {"scheduler": "LinearLR", "options": {"start_factor": 0.5, "total_iters": 4}},
             {"scheduler": "ExponentialLR", "options": {"gamma": 0.9}}]}, SGD(0.1), 15)
    case("chainedscheduler_cosine_steplr", "recursive cosine composed with StepLR", "ChainedScheduler",
         {"schedulers": [{"scheduler": "CosineAnnealingLR", "options": {"T_max": 8}},
                         {"scheduler": "StepLR", "options": {"step_size": 3, "gamma": 0.7}}]}, SGD(0.1), 20)
    case("steplr_two_groups", "two param groups with their own lr", "StepLR", {"step_size": 2, "gamma": 0.5},
         SGD(0.1), 8, groups=[{"options": {}}, {"options": {"lr": 0.02}}])


if __name__ == "__main__":
    main()
