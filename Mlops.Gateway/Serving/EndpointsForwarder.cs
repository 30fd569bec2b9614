using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Mlops.Gateway.Forwarding;
using Mlops.ServiceDefaults.Protobuf;
using Mlops.V1;

namespace Mlops.Gateway.Serving;

/// <summary>
/// The Endpoints service at the edge: control calls go on to the runner; Predict is answered here, from a
/// ready replica, without the runner.
/// </summary>
public sealed class EndpointsForwarder(V1.Endpoints.EndpointsClient endpoints, PredictionRouter router) : V1.Endpoints.EndpointsBase
{
    [Authorize(Policy = Permissions.Deploy)]
    public override Task<V1.Endpoint> PutEndpoint(PutEndpointRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => endpoints.PutEndpointAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<V1.Endpoint> GetEndpoint(GetEndpointRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => endpoints.GetEndpointAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task<ListEndpointsResponse> ListEndpoints(ListEndpointsRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => endpoints.ListEndpointsAsync(request, Relay.Options(context)).ResponseAsync);

    // The runner checks that a developer deletes only an endpoint their key created.
    [Authorize(Policy = Permissions.Deploy)]
    public override Task<DeleteEndpointResponse> DeleteEndpoint(DeleteEndpointRequest request, ServerCallContext context) =>
        RunnerForwarder.UnaryAsync(() => endpoints.DeleteEndpointAsync(request, Relay.Options(context)).ResponseAsync);

    [Authorize(Policy = Permissions.Read)]
    public override Task WatchEndpoints(WatchEndpointsRequest request, IServerStreamWriter<EndpointEvent> responseStream, ServerCallContext context) =>
        RunnerForwarder.StreamAsync(endpoints.WatchEndpoints(request, Relay.Options(context)), responseStream, context);

    [Authorize(Policy = Permissions.Predict)]
    public override async Task<PredictResponse> Predict(PredictRequest request, ServerCallContext context)
    {
        try
        {
            // The instances are written straight into the body; no tree, no text in between. JSON has no NaN: refused here.
            NonFinite(request.Instances, "instances");
            var body = PredictionRouter.InstancesBody(request.Instances.Count, writer => StructMapper.Write(writer, request.Instances));
            var prediction = await router.PredictAsync(request.Endpoint, CallerKey.Of(context.GetHttpContext().User), body, "mlops-grpc", context.CancellationToken);
            var response = new PredictResponse { ModelName = prediction.ModelName, ModelVersion = prediction.ModelVersion, ReplicaId = prediction.ReplicaId };
            response.Predictions.AddRange(Predictions(prediction));
            return response;
        }
        catch (ServingException ex)
        {
            throw ex.ToRpcException();
        }
    }

    /// <summary>A replica is a peer: a number protobuf cannot carry (beyond a double's range) is its fault, a 502.</summary>
    private static Value[] Predictions(Prediction prediction)
    {
        try
        {
            return StructMapper.ToValues(prediction.Predictions);
        }
        catch (FormatException ex)
        {
            throw new ServingException(StatusCodes.Status502BadGateway, StatusCode.Internal, $"replica {prediction.ReplicaId} answered {ex.Message}");
        }
    }

    private static void NonFinite(IList<Value> values, string field)
    {
        for (var i = 0; i < values.Count; i++)
        {
            NonFinite(values[i], $"{field}[{i}]");
        }
    }

    private static void NonFinite(Value value, string field)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.NumberValue when !double.IsFinite(value.NumberValue):
                throw ServingException.BadInput($"{field}: {value.NumberValue} is not a finite number");
            case Value.KindOneofCase.ListValue:
                NonFinite(value.ListValue.Values, field);
                break;
            case Value.KindOneofCase.StructValue:
                foreach (var (name, inner) in value.StructValue.Fields)
                {
                    NonFinite(inner, $"{field}.{Bounded.Text(name, 64)}");
                }

                break;
        }
    }
}
