#!/usr/bin/env bash
# Learning-evidence runs (benchmarks, not tests): the commands behind benchmarks/results/.
# Each writes model.zip, config.json, evaluations.json and learning_curve.png into its folder;
# the committed results keep everything but the model and checkpoints.
set -euo pipefail
out=${1:-benchmarks/results}
# Reaching, SAC with the paper's hyperparameters (causalworld/baselines/hyperparams/sac.yml).
causalworld train --task reaching --algo sac --timesteps 40000 --n-envs 1 --eval-freq 4000 --eval-episodes 3 \
    --no-progress --out "$out/reaching_sac_paper"
# Reaching, SAC with stable-baselines3's default SAC settings (lr 3e-4, tau 0.005, gamma 0.99, automatic entropy).
causalworld train --task reaching --algo sac --timesteps 40000 --n-envs 1 --eval-freq 4000 --eval-episodes 3 \
    --set learning_rate=0.0003 --set tau=0.005 --set gamma=0.99 --set ent_coef=auto \
    --no-progress --out "$out/reaching_sac_sb3_defaults"
# Pushing, SAC with the paper's hyperparameters, the largest budget that fits about an hour here.
causalworld train --task pushing --algo sac --timesteps 120000 --n-envs 1 --eval-freq 10000 --eval-episodes 3 \
    --no-progress --out "$out/pushing_sac_paper"
