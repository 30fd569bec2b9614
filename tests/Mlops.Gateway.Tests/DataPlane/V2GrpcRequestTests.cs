using Google.Protobuf;
using Inference;
using Mlops.Gateway.Serving;

namespace Mlops.Gateway.Tests.DataPlane;

public sealed class V2GrpcRequestTests
{
    private static ModelInferRequest.Types.InferInputTensor Input(string datatype = "FP32", params long[] shape) =>
        new() { Name = "x", Datatype = datatype, Shape = { shape.Length == 0 ? [1, 4] : shape } };

    private static ModelInferRequest Request(params ModelInferRequest.Types.InferInputTensor[] inputs)
    {
        var request = new ModelInferRequest { ModelName = "e" };
        request.Inputs.AddRange(inputs);
        return request;
    }

    private static ModelInferRequest.Types.InferInputTensor WithFp32(ModelInferRequest.Types.InferInputTensor input, params float[] values)
    {
        input.Contents = new InferTensorContents();
        input.Contents.Fp32Contents.AddRange(values);
        return input;
    }

    public static TheoryData<string, ModelInferRequest, string> Malformed()
    {
        var raw = Request(Input());
        raw.RawInputContents.Add(ByteString.CopyFrom(new byte[15]));
        var rawAndTyped = Request(WithFp32(Input(), 1, 2, 3, 4));
        rawAndTyped.RawInputContents.Add(ByteString.CopyFrom(new byte[16]));
        var twoBuffers = Request(Input());
        twoBuffers.RawInputContents.Add(ByteString.CopyFrom(new byte[16]));
        twoBuffers.RawInputContents.Add(ByteString.CopyFrom(new byte[16]));
        var nan = Request(Input());
        nan.RawInputContents.Add(ByteString.CopyFrom(BitConverter.GetBytes(float.NaN).Concat(new byte[12]).ToArray()));
        var wrongKind = Request(Input("FP64"));
        wrongKind.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { 1, 2, 3, 4 } };
        var mixed = Request(WithFp32(Input(), 1, 2, 3, 4));
        mixed.Inputs[0].Contents.Fp64Contents.Add(5);
        var unknownOutput = Request(WithFp32(Input(), 1, 2, 3, 4));
        unknownOutput.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" });
        var unnamed = Request(WithFp32(Input(), 1, 2, 3, 4));
        unnamed.Inputs[0].Name = "";
        return new()
        {
            { "no input", Request(), "inputs: the model takes 1 input tensor; the request has 0" },
            { "two inputs", Request(WithFp32(Input(), 1, 2, 3, 4), WithFp32(Input(), 1, 2, 3, 4)), "the request has 2" },
            { "unnamed", unnamed, "inputs[0].name: is required" },
            { "BYTES", Request(Input("BYTES")), "inputs[0].datatype: 'BYTES' is not supported" },
            { "no datatype", Request(Input("")), "inputs[0].datatype: '' is not supported" },
            { "shape overflows", Request(WithFp32(Input("FP32", 1L << 62, 4), 1)), "inputs[0].shape: [4611686018427387904, 4] holds more values" },
            { "shape of three", Request(WithFp32(Input("FP32", 1, 1, 4), 1, 2, 3, 4)), "inputs[0].shape: [1, 1, 4] is not a shape" },
            { "zero size", Request(WithFp32(Input("FP32", 0, 4))), "inputs[0].shape: [0, 4] is not a shape" },
            { "too few values", Request(WithFp32(Input(), 1, 2, 3)), "inputs[0].contents: the shape [1, 4] needs 4 values; the data has 3" },
            { "raw not whole", raw, "raw_input_contents[0]: the shape [1, 4] of FP32 needs 16 bytes; it has 15" },
            { "raw and typed", rawAndTyped, "inputs[0].contents: must be empty when raw_input_contents is used" },
            { "two raw buffers", twoBuffers, "raw_input_contents: holds 2 buffers for 1 input" },
            { "raw NaN", nan, "inputs[0].contents[0]: NaN is not a FP32 value" },
            { "wrong kind", wrongKind, "inputs[0].contents.fp32_contents: holds 4 values, but the datatype FP64 takes them in fp64_contents" },
            { "two kinds", mixed, "inputs[0].contents.fp64_contents: holds 1 values" },
            { "unknown output", unknownOutput, "outputs[0].name: the model has no output 'logits'" },
            { "infinite", Request(WithFp32(Input(), 1, float.PositiveInfinity, 3, 4)), "inputs[0].contents[1]: Infinity is not a FP32 value" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void FromGrpc_MalformedRequest_IsInvalidArgumentNamingTheField(string what, ModelInferRequest request, string expected)
    {
        var error = Assert.Throws<ServingException>(() => V2Tensors.FromGrpc(request));

        Assert.True(error.GrpcStatus == global::Grpc.Core.StatusCode.InvalidArgument, what);
        Assert.Contains(expected, error.Message);
    }
}
