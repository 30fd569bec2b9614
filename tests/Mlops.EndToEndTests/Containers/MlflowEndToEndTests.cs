using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using Aspire.Hosting.ApplicationModel;
using Mlops.EndToEndTests.Hosting;

namespace Mlops.EndToEndTests.Containers;

/// <summary>The AppHost with --mlflow, as a user runs it where the MLflow image is loaded: MLflow is the registry, behind the front door.</summary>
public sealed class MlflowEndToEndTests
{
    [MlflowImageFact]
    public async Task WithMlflow_TrainAliasPredict_AndTheRunsShowThroughTheFrontDoorsMlflowApi()
    {
        using var docker = new DockerClientConfiguration().CreateClient();
        var volume = $"mlops-mlflow-test-{Guid.NewGuid():N}"[..32];
        try
        {
            await using var app = await AspireSystem.StartAsync(TimeSpan.FromMinutes(6),
                arguments: ["--mlflow", $"--Tracking:MlflowImage={MlflowImageFactAttribute.Image}", $"--Tracking:MlflowVolume={volume}"],
                extraPorts: ["mlflow:http"]);
            using var http = app.Http(app.FrontDoor);

            using var train = await http.PostAsJsonAsync("/invoke", new JsonObject { ["function"] = "train", ["parameters"] = new JsonObject { ["n_estimators"] = 20 } });
            var trained = (await train.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(train.StatusCode == HttpStatusCode.OK, trained.ToJsonString());
            var modelUri = trained["data"]!["model_uri"]!.GetValue<string>();
            Assert.StartsWith("models:/iris_model/", modelUri);
            var version = int.Parse(modelUri["models:/iris_model/".Length..]);

            using (var alias = await http.PutAsJsonAsync("/api/v1/models/iris_model/aliases/champion", new JsonObject { ["version"] = version }))
            {
                Assert.True(alias.IsSuccessStatusCode, await alias.Content.ReadAsStringAsync());
            }

            using var predict = await http.PostAsJsonAsync("/invoke", new JsonObject
            {
                ["function"] = "predict",
                ["parameters"] = new JsonObject { ["features"] = new JsonArray(5.1, 3.5, 1.4, 0.2), ["model_version"] = "@champion" },
            });
            var predicted = (await predict.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(predict.StatusCode == HttpStatusCode.OK, predicted.ToJsonString());
            Assert.Equal("setosa", predicted["data"]!["class"]!.GetValue<string>());

            // MLflow's own REST API, through NGINX's /mlflow/ (an admin's key): the alias, its version's run, the run's metrics.
            var aliased = (await http.GetFromJsonAsync<JsonObject>("/mlflow/api/2.0/mlflow/registered-models/alias?name=iris_model&alias=champion"))!;
            Assert.Equal(version.ToString(), aliased["model_version"]!["version"]!.GetValue<string>());
            var runId = aliased["model_version"]!["run_id"]!.GetValue<string>();
            var run = (await http.GetFromJsonAsync<JsonObject>($"/mlflow/api/2.0/mlflow/runs/get?run_id={runId}"))!;
            var metrics = run["run"]!["data"]!["metrics"]!.AsArray().Select(m => m!["key"]!.GetValue<string>()).ToList();
            Assert.Contains("accuracy", metrics);

            Assert.True(app.App.ResourceNotifications.TryGetCurrentState("mlflow", out var mlflow));
            Assert.Equal(("Container", KnownResourceStates.Running), (mlflow.Snapshot.ResourceType, mlflow.Snapshot.State?.Text));

            await app.DisposeAsync();
            var left = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["ancestor"] = new Dictionary<string, bool> { [MlflowImageFactAttribute.Image!] = true } },
            });
            Assert.Empty(left);
            // The runs outlive the container: they are on the named volume.
            Assert.Equal(volume, (await docker.Volumes.InspectAsync(volume)).Name);
        }
        finally
        {
            await RemoveVolumeAsync(docker, volume);
        }
    }

    /// <summary>Removes a test's volume; one that was never made is no failure.</summary>
    private static async Task RemoveVolumeAsync(IDockerClient docker, string volume)
    {
        try
        {
            await docker.Volumes.RemoveAsync(volume, force: true);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Never created: the start failed before it.
        }
    }
}
