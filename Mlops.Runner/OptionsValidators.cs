using Microsoft.Extensions.Options;
using Mlops.Runner.Containers;
using Mlops.Runner.Images;

namespace Mlops.Runner;

// The options' data annotations, checked by code generated at build time rather than by reflection (the
// runner runs compiled ahead of time). Registered in RunnerServiceExtensions; checked at start.

[OptionsValidator]
internal sealed partial class RunnerOptionsValidator : IValidateOptions<RunnerOptions>;

[OptionsValidator]
internal sealed partial class ContainerOptionsValidator : IValidateOptions<ContainerOptions>;

[OptionsValidator]
internal sealed partial class ImageOptionsValidator : IValidateOptions<ImageOptions>;
