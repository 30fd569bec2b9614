using Mlops.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using System.Reflection;
using Grpc.Core;
using Inference;

namespace Mlops.Gateway.Serving;

/// <summary>KServe's gRPC inference service (Open Inference Protocol); the model name is the endpoint's name.</summary>
public sealed class InferenceService(ReplicaDirectory directory, PredictionRouter router) : GRPCInferenceService.GRPCInferenceServiceBase
{
    [AllowAnonymous]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    [AllowAnonymous]
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = directory.Connected });

    [Authorize(Policy = Permissions.Predict)]
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "mlops", Version = typeof(InferenceService).Assembly.GetName().Version?.ToString() ?? "" });

    [Authorize(Policy = Permissions.Predict)]
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelReadyResponse { Ready = Table(request.Name).Replicas.Count > 0 });

    [Authorize(Policy = Permissions.Predict)]
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var table = Table(request.Name);
        var response = new ModelMetadataResponse { Name = table.Name, Platform = "mlops" };
        response.Versions.AddRange(V2Tensors.Versions(table));
        response.Inputs.AddRange(V2Tensors.Inputs.Select(Metadata));
        response.Outputs.AddRange(V2Tensors.Outputs.Select(Metadata));
        return Task.FromResult(response);
    }

    [Authorize(Policy = Permissions.Predict)]
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        try
        {
            var prediction = await router.PredictAsync(request.ModelName, CallerKey.Of(context.GetHttpContext().User), V2Tensors.FromGrpc(request), "v2-grpc", context.CancellationToken);
            var (classes, labels, probabilities) = V2Tensors.Answer(prediction.Predictions);
            var response = new ModelInferResponse { ModelName = request.ModelName, ModelVersion = prediction.ModelVersion, Id = request.Id };
            var label = new ModelInferResponse.Types.InferOutputTensor { Name = "class", Datatype = "BYTES", Shape = { labels.Length }, Contents = new InferTensorContents() };
            label.Contents.BytesContents.AddRange(labels.Select(Google.Protobuf.ByteString.CopyFromUtf8));
            var scores = new ModelInferResponse.Types.InferOutputTensor
            {
                Name = "probabilities", Datatype = "FP64", Shape = { labels.Length, classes.Length }, Contents = new InferTensorContents(),
            };
            scores.Contents.Fp64Contents.AddRange(probabilities);
            scores.Parameters["classes"] = new InferParameter { StringParam = string.Join(',', classes) };
            response.Outputs.Add(label);
            response.Outputs.Add(scores);
            return response;
        }
        catch (ServingException ex)
        {
            throw ex.ToRpcException();
        }
    }

    private ReplicaTable Table(string name)
    {
        try
        {
            return router.Table(name);
        }
        catch (ServingException ex)
        {
            throw ex.ToRpcException();
        }
    }

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(V2Tensors.TensorSpec tensor) =>
        new() { Name = tensor.Name, Datatype = tensor.Datatype, Shape = { tensor.Shape } };
}
