using Grpc.Core;
using Mlops.ServiceDefaults.Security;

namespace Mlops.Gateway.Forwarding;

/// <summary>
/// The gateway's own key (role service: read and report load), for the calls it makes on nobody's behalf:
/// the endpoints watch and the load reports. Calls made for a caller carry the caller's key instead.
/// </summary>
public sealed class ServiceCredentials(AuthOptions options)
{
    public Metadata Headers { get; } = new() { { "authorization", $"Bearer {options.ServiceKey()}" } };
}
