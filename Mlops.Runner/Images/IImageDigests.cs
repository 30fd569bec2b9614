using Mlops.Runner.Functions;

namespace Mlops.Runner.Images;

/// <summary>What names a function's image: the digest of its build context (and base images), computed without building.</summary>
public interface IImageDigests
{
    /// <summary>"sha256:&lt;hex&gt;": the same as long as the function folder and its base images are; any change, another digest.</summary>
    Task<string> ContextDigestAsync(FunctionManifest function, CancellationToken cancellationToken);
}
