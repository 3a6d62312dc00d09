/**
 * The model zoo by id: {@link dev.saccade.models.registry.ModelRegistry} builds {@code <modules>-<backbone>} models
 * ({@code tsm-resnet50}, {@code tsm+w3-resnet50}, {@code action-mobilenetv2}, …) from a
 * {@link dev.saccade.models.registry.ModelConfig}; {@link dev.saccade.models.registry.HookProvider} adds a module
 * family.
 *
 * <p><b>Public API</b>: the usual way to build a model. {@code HookProvider} is an extension point.
 *
 * <pre>{@code
 * Tsn model = ModelRegistry.standard().create(ModelConfig.of("tsm-resnet50", 8, 174, 224));
 * }</pre>
 */
package dev.saccade.models.registry;
