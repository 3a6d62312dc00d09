/**
 * {@link dev.saccade.data.loader.ClipLoader}: decodes and transforms the clips of a dataset in parallel, in a fixed
 * order for a given seed and epoch, and hands them out as batches.
 *
 * <p><b>Public API.</b>
 */
package dev.saccade.data.loader;
