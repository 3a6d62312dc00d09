/**
 * Learning-rate schedules: {@link dev.saccade.nn.schedule.StepSchedule} (TSM and ACTION-Net conventions),
 * {@link dev.saccade.nn.schedule.CosineSchedule}, {@link dev.saccade.nn.schedule.LinearWarmup}.
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code LrSchedule s = new LinearWarmup(StepSchedule.tsm(0.01, 20, 40), 1); double lr = s.lrAt(epoch, step, steps); }</pre>
 */
package dev.saccade.nn.schedule;
