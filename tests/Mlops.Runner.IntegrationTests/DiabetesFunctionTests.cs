using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mlops.V1;

namespace Mlops.Runner.IntegrationTests;

/// <summary>
/// functions/diabetes, the example written on the Mlops.Functions SDK from the docs alone: one function that
/// trains a regression (tracked, registered) and serves it, end to end on the real engine.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class DiabetesFunctionTests(ServingFixture fixture)
{
    [Fact]
    public async Task Diabetes_TrainsTrackedAndRegistered_ThenServesTheModel()
    {
        var model = $"diabetes_{Guid.NewGuid():N}"[..20];
        var build = await MlFunctionsFixture.BuildAsync(fixture.Host.Client, "diabetes");
        Assert.True(build.SizeBytes > 0);

        var call = await InvokeCall.RunAsync(fixture.Host.Client, "diabetes", InvokeCall.Parameters($$"""{"num_trees": 50, "model_name": "{{model}}"}"""));

        Assert.Null(call.Error);
        var result = call.Events.Single(e => e.EventCase == InvokeEvent.EventOneofCase.Result).Result;
        Assert.InRange(result.Metrics.Fields["r2"].NumberValue, 0.2, 1);
        Assert.True(result.Metrics.Fields["rmse"].NumberValue > 0);
        Assert.True(result.Metrics.Fields["mae"].NumberValue > 0);
        Assert.Equal(50, result.Params.Fields["num_trees"].NumberValue);
        Assert.Equal(8, result.Params.Fields["num_leaves"].NumberValue);
        Assert.Equal(442, result.Data.Fields["rows"].StructValue.Fields["total"].NumberValue);
        Assert.Equal(($"models:/{model}/1", 1.0), (result.Data.Fields["model_uri"].StringValue, result.Data.Fields["model_version"].NumberValue));
        var run = await fixture.Host.Registry.GetRunAsync(new GetRunRequest { Id = result.Data.Fields["run_id"].StringValue });
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal(result.Metrics.Fields["r2"].NumberValue, run.Metrics["r2"]);
        Assert.Equal("50", run.Params["num_trees"]);
        Assert.Contains("model/MLmodel", run.Artifacts);

        var name = $"diabetes-{Guid.NewGuid():N}"[..16];
        await fixture.PutAsync(name, max: 1, function: "diabetes", model: model);
        using var response = await fixture.Gateway.Http.PostAsJsonAsync($"/endpoints/{name}/predict", new JsonObject
        {
            ["instances"] = new JsonArray(
                new JsonArray(59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87),
                new JsonObject { ["age"] = 48, ["sex"] = 1, ["bmi"] = 21.6, ["bp"] = 87, ["s1"] = 183, ["s2"] = 103.2, ["s3"] = 70, ["s4"] = 3, ["s5"] = 3.8918, ["s6"] = 69 }),
        });
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        using var refused = await fixture.Gateway.Http.PostAsJsonAsync($"/endpoints/{name}/predict", new JsonObject { ["instances"] = new JsonArray(new JsonArray(1, 2, 3)) });
        await fixture.DeleteAsync(name);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((model, "1"), (answer["model_name"]!.GetValue<string>(), answer["model_version"]!.GetValue<string>()));
        Assert.All(answer["predictions"]!.AsArray(), prediction => Assert.InRange(prediction!.GetValue<double>(), 25, 346));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("instances[0] has 3 values; expected 10", await refused.Content.ReadAsStringAsync());
    }
}
