using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Mlops.Cli.Output;

namespace Mlops.Cli.Tests;

/// <summary>How a server's refusal reads on stderr: one line with the canonical code, then what the line does not say yet.</summary>
public sealed class ErrorReportTests
{
    private static readonly Uri Address = new("http://127.0.0.1:8081");

    private readonly PlainConsole _error = new();

    [Fact]
    public void Write_ARefusal_IsItsCodeAndMessage_ThenEachFieldViolationNotAlreadyInIt()
    {
        var error = BadRequest("parameters.n_estimators: must be at least 1",
            ("parameters.n_estimators", "must be at least 1"), ("parameters.criterion", "must be one of gini, entropy"));

        ErrorReport.Write(_error.Console, error, Address);

        Assert.Equal(
            ["error: INVALID_ARGUMENT: parameters.n_estimators: must be at least 1", "  parameters.criterion: must be one of gini, entropy"],
            _error.Text.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Write_NothingListening_AsksWhetherTheSystemRunsAtTheAddress()
    {
        ErrorReport.Write(_error.Console, new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error connecting to subchannel.")), Address);

        Assert.StartsWith("error: UNAVAILABLE: Error connecting to subchannel.", _error.Text);
        Assert.Contains("is the system running and listening at http://127.0.0.1:8081/? (--url or $MLOPS_URL)", _error.Text);
    }

    [Theory]
    [InlineData(StatusCode.NotFound, "NOT_FOUND")]
    [InlineData(StatusCode.PermissionDenied, "PERMISSION_DENIED")]
    [InlineData(StatusCode.ResourceExhausted, "RESOURCE_EXHAUSTED")]
    public void CodeName_IsTheCanonicalName(StatusCode code, string expected) => Assert.Equal(expected, ErrorReport.CodeName(code));

    private static RpcException BadRequest(string message, params (string Field, string Description)[] violations)
    {
        var details = new Google.Rpc.BadRequest();
        details.FieldViolations.AddRange(violations.Select(v => new Google.Rpc.BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        return new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = message, Details = { Any.Pack(details) } }.ToRpcException();
    }
}
