using Mlops.Runner.Functions;

namespace Mlops.Runner.Images;

/// <summary>Gives a function an image for its current contents, building it when there is none.</summary>
public interface IImageResolver
{
    /// <summary>[started, line*,] ready: the build's progress when one runs, then the image.</summary>
    /// <param name="measureLayers">Also report the size of the function's own layers (one more engine call).</param>
    IAsyncEnumerable<ImageEvent> EnsureAsync(FunctionManifest function, bool measureLayers, CancellationToken cancellationToken);

    /// <summary>The tag the function's current contents build to, and whether that image exists; builds nothing.</summary>
    Task<(string Tag, bool Exists)> DescribeAsync(FunctionManifest function, CancellationToken cancellationToken);
}
