using System.Net;
using System.Text;

namespace Mlops.Runner.Tests.Registry;

/// <summary>Answers MLflow calls with recorded shapes, by method and path prefix, and keeps every request it saw.</summary>
internal sealed class FakeMlflowHandler : HttpMessageHandler
{
    private readonly List<(string Method, string Prefix, Func<HttpStatusCode> Status, string Body, string ContentType)> _routes = [];

    public List<(string Method, string PathAndQuery, string Body)> Requests { get; } = [];

    public bool Unreachable { get; set; }

    public FakeMlflowHandler On(string method, string prefix, string body, HttpStatusCode status = HttpStatusCode.OK, string contentType = "application/json")
    {
        _routes.Add((method, prefix, () => status, body, contentType));
        return this;
    }

    public string BodyOf(string prefix) => Requests.Last(r => r.PathAndQuery.StartsWith(prefix, StringComparison.Ordinal)).Body;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Unreachable)
        {
            throw new HttpRequestException("Connection refused (127.0.0.1:5000)");
        }

        var path = request.RequestUri!.PathAndQuery;
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method.Method, path, body));
        // The most recently added matching route wins, so a test can override a default.
        for (var i = _routes.Count - 1; i >= 0; i--)
        {
            var route = _routes[i];
            if (route.Method == request.Method.Method && path.StartsWith(route.Prefix, StringComparison.Ordinal))
            {
                return new HttpResponseMessage(route.Status()) { Content = new StringContent(route.Body, Encoding.UTF8, route.ContentType) };
            }
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            Content = new StringContent("<!doctype html><title>404 Not Found</title><h1>Not Found</h1>", Encoding.UTF8, "text/html"),
        };
    }
}
