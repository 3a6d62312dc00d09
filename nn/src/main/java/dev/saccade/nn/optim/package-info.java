/**
 * Optimizers and what surrounds a step: {@link dev.saccade.nn.optim.Sgd} and {@link dev.saccade.nn.optim.AdamW}
 * (PyTorch semantics, in-place updates under no-grad, resumable {@code state()}), per-group multipliers
 * ({@link dev.saccade.nn.optim.ParamGroup}, built for TSN/TSM/ACTION-Net by {@link dev.saccade.nn.optim.TsnPolicies}),
 * global-norm clipping ({@link dev.saccade.nn.optim.GradientClipping}) and micro-batch accumulation
 * ({@link dev.saccade.nn.optim.GradientAccumulation}).
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * Sgd sgd = new Sgd(TsnPolicies.tsm(model, "new_fc", true), 0.01, 0.9, 5e-4, false);
 * sgd.setLearningRate(schedule.lrAt(epoch, step, steps));
 * sgd.zeroGrad(); loss.backward(); GradientClipping.clipGlobalNorm(model.parameters(), 20); sgd.step();
 * }</pre>
 */
package dev.saccade.nn.optim;
