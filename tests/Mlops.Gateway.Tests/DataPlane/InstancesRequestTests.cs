using System.Text;
using Mlops.Gateway.Serving;

namespace Mlops.Gateway.Tests.DataPlane;

public sealed class InstancesRequestTests
{
    [Theory]
    [InlineData("", "the request body is not valid JSON")]
    [InlineData("instances=1", "the request body is not valid JSON")]
    [InlineData("""{"instances": [[1]]""", "the request body is not valid JSON")]
    [InlineData("""{"instances": [[1]], "instances": [[2]]}""", "the request body is not valid JSON: Duplicate property 'instances'")]
    [InlineData("""[[1, 2]]""", "the request body must be a JSON object")]
    [InlineData("""null""", "the request body must be a JSON object")]
    [InlineData("""{}""", "instances: give a list of instances")]
    [InlineData("""{"instances": {"a": 1}}""", "instances: give a list of instances")]
    [InlineData("""{"instances": []}""", "instances: give at least one instance")]
    [InlineData("""{"instances": [[1]], "parameters": {}}""", "parameters: is not a field of the request")]
    public void Checked_MalformedBody_IsABadRequestNamingTheField(string body, string expected)
    {
        var error = Assert.Throws<ServingException>(() => InstancesRequest.Checked(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(400, error.HttpStatus);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Checked_DeeperThanTheLimit_IsABadRequest()
    {
        var body = """{"instances": """ + new string('[', 64) + new string(']', 64) + "}";

        var error = Assert.Throws<ServingException>(() => InstancesRequest.Checked(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(400, error.HttpStatus);
    }

    [Fact]
    public void Checked_WellFormedBody_PassesAsItIs()
    {
        var body = Encoding.UTF8.GetBytes("""{"instances": [[5.1, 3.5, 1.4, 0.2], {"a": 1}]}""");

        Assert.Same(body, InstancesRequest.Checked(body));
    }
}
