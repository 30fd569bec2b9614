using Google.Rpc;
using Grpc.Core;
using Mlops.Runner.Grpc;

namespace Mlops.Runner.Tests;

public sealed class ErrorMappingTests
{
    [Theory]
    [InlineData(ErrorKind.InvalidArgument, StatusCode.InvalidArgument)]
    [InlineData(ErrorKind.NotFound, StatusCode.NotFound)]
    [InlineData(ErrorKind.FailedPrecondition, StatusCode.FailedPrecondition)]
    [InlineData(ErrorKind.ResourceExhausted, StatusCode.ResourceExhausted)]
    [InlineData(ErrorKind.DeadlineExceeded, StatusCode.DeadlineExceeded)]
    [InlineData(ErrorKind.Cancelled, StatusCode.Cancelled)]
    [InlineData(ErrorKind.Unavailable, StatusCode.Unavailable)]
    [InlineData(ErrorKind.FunctionFailed, StatusCode.Internal)]
    public void Translate_EachKind_HasItsStatus(ErrorKind kind, StatusCode expected)
    {
        var status = ErrorInterceptor.Translate(new RunnerException(kind, "message"))!;

        Assert.Equal(expected, status.StatusCode);
        Assert.Equal("message", status.Status.Detail);
    }

    [Fact]
    public void Translate_FieldViolations_TravelAsBadRequestDetails()
    {
        var status = ErrorInterceptor.Translate(RunnerException.InvalidArgument("parameters.x", "must be a number"))!;

        var violation = Assert.Single(status.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal(("parameters.x", "must be a number"), (violation.Field, violation.Description));
    }

    [Fact]
    public void Translate_UnreachableEngine_IsUnavailable() =>
        Assert.Equal(StatusCode.Unavailable, ErrorInterceptor.Translate(new HttpRequestException("connection refused"))!.StatusCode);

    [Fact]
    public void Translate_AnyOtherException_IsLeftAsABug() =>
        Assert.Null(ErrorInterceptor.Translate(new InvalidOperationException("internal detail")));
}
