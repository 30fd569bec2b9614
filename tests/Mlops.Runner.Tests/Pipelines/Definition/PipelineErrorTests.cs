namespace Mlops.Runner.Tests.Pipelines.Definition;

/// <summary>Each kind of mistake in a pipeline.json, refused before anything runs with the path of the field at fault.</summary>
public sealed class PipelineErrorTests : IDisposable
{
    private const string Inputs = """
        "inputs": {
          "seed": { "type": "integer", "default": 1 },
          "name": { "type": "string", "default": "x" },
          "flag": { "type": "boolean", "default": true },
          "sizes": { "type": "array", "items": "integer", "default": [1, 2] },
          "labels": { "type": "array", "items": "string", "default": ["a"] }
        },
        """;

    private readonly PipelineFolder _folder = new();

    public static TheoryData<string, string> Mistakes => new()
    {
        // The file's shape.
        { """{ "stepz": {} }""", "stepz: unknown key" },
        { """{ "description": "no steps" }""", "steps: is required" },
        { """{ "steps": {} }""", "steps: must hold 1 to 100 steps (got 0)" },
        { """{ "steps": { "a": """, "pipeline.json: not valid JSON" },
        { """{ "steps": { "a": { "function": "hello" }, "a": { "function": "hello" } } }""", "pipeline.json: not valid JSON" },
        { """[1]""", "pipeline.json: must be an object" },
        { Step(""" "a": { "function": "hello", "retry": 1 } """), "steps.a.retry: unknown key" },
        { Step(""" "a": { "function": "train", "map": { "over": [1], "concurency": 2 } } """), "steps.a.map.concurency: unknown key" },
        { Step(""" "A": { "function": "hello" } """), "steps.A: must be 1-63 characters" },
        { Step(""" "a": { "function": "hello", "action": "best" } """), "steps.a: needs exactly one of 'function'" },
        { Step(""" "a": { } """), "steps.a: needs exactly one of 'function'" },
        { Step(""" "a": { "action": "bset" } """), "steps.a.action: 'bset' is not one of best, register, alias, deploy, call" },
        { Step(""" "a": { "function": "Hello" } """), "steps.a.function: must be 1-63 characters" },
        // Inputs.
        { """{ "inputs": { "Seed": { "type": "integer" } }, "steps": { "a": { "function": "hello" } } }""", "inputs.Seed: must be 1-63 characters" },
        { """{ "inputs": { "seed": { "type": "int" } }, "steps": { "a": { "function": "hello" } } }""", "inputs.seed.type: 'int' is not one of" },
        { """{ "inputs": { "seed": { "type": "integer", "default": "1" } }, "steps": { "a": { "function": "hello" } } }""", "inputs.seed.default: must be an integer" },
        { """{ "inputs": { "xs": { "type": "array", "default": [1, "2"], "items": "integer" } }, "steps": { "a": { "function": "hello" } } }""", "inputs.xs.default[1]: must be an integer" },
        { """{ "inputs": { "xs": { "type": "array" } }, "steps": { "a": { "function": "hello" } } }""", "inputs.xs.items: an array input names" },
        { """{ "inputs": { "x": { "type": "string", "requird": true } }, "steps": { "a": { "function": "hello" } } }""", "inputs.x.requird: unknown key" },
        // Functions and their parameters.
        { Step(""" "a": { "function": "nope" } """), "steps.a.function: function 'nope' does not exist" },
        { Step(""" "a": { "function": "broken" } """), "steps.a.function: function 'broken' has an invalid function.json" },
        { Step(""" "a": { "function": "train", "parameters": { "n_trees": 5 } } """), "steps.a.parameters.n_trees: unknown parameter; function 'train' takes n_estimators" },
        { Step(""" "a": { "function": "train", "parameters": { "n_estimators": 5000 } } """), "steps.a.parameters.n_estimators: must be <= 2000" },
        { Step(""" "a": { "function": "train", "parameters": { "sizes": [1, "x"] } } """), "steps.a.parameters.sizes[1]: must be an integer" },
        { Step(""" "a": { "function": "train", "parameters": { "n_estimators": "${inputs.name}" } } """), "steps.a.parameters.n_estimators: must be an integer; ${inputs.name} is a string" },
        { Step(""" "a": { "function": "train", "parameters": { "size": "${inputs.flag}" } } """), "steps.a.parameters.size: must be a number; ${inputs.flag} is a boolean" },
        { Step(""" "a": { "function": "train", "parameters": { "sizes": "${inputs.labels}" } } """), "steps.a.parameters.sizes: must be an array of integers; ${inputs.labels} is an array of strings" },
        { Step(""" "a": { "function": "train", "parameters": { "n_estimators": "n=${inputs.seed}" } } """), "steps.a.parameters.n_estimators: must be an integer; 'n=${inputs.seed}' is a string" },
        { Step(""" "a": { "function": "train", "map": { "over": "${inputs.labels}" }, "parameters": { "n_estimators": "${item}" } } """), "steps.a.parameters.n_estimators: must be an integer; ${item} is a string (an element of ${inputs.labels})" },
        { Step(""" "a": { "function": "train", "map": { "over": ["x", "y"] }, "parameters": { "seed": "${item}" } } """), "steps.a.parameters.seed: must be an integer; ${item} is a string" },
        { Step(""" "a": { "function": "needy" } """), "steps.a.parameters.level: is required by function 'needy'" },
        { """{ "inputs": { "n": { "type": "integer", "default": 0 } }, "steps": { "a": { "function": "train", "parameters": { "n_estimators": "${inputs.n}" } } } }""", "steps.a.parameters.n_estimators: ${inputs.n}'s default, 0, breaks the parameter's rules: must be >= 1" },
        { """{ "inputs": { "n": { "type": "array", "items": "integer", "default": [5, 3000] } }, "steps": { "a": { "function": "train", "map": { "over": "${inputs.n}" }, "parameters": { "n_estimators": "${item}" } } } }""", "steps.a.parameters.n_estimators: an element of ${inputs.n}'s default, 3000, breaks the parameter's rules: must be <= 2000" },
        { Step(""" "a": { "function": "train", "map": { "over": [10, 0] }, "parameters": { "n_estimators": "${item}" } } """), "steps.a.parameters.n_estimators: an element of [10,0], 0, breaks the parameter's rules: must be >= 1" },
        // Actions and their parameters.
        { Step(""" "t": { "function": "train", "map": { "over": [1] } }, "b": { "action": "best", "parameters": { "from": "t" } } """), "steps.b.parameters.metric: is required by action 'best'" },
        { Step(""" "t": { "function": "train", "map": { "over": [1] } }, "b": { "action": "best", "parameters": { "from": "t", "metric": "f1", "goal": "most" } } """), "steps.b.parameters.goal: must be one of \"max\", \"min\"" },
        { Step(""" "t": { "function": "train" }, "b": { "action": "best", "parameters": { "from": "t", "metric": "f1" } } """), "steps.b.parameters.from: 't' is not a map step" },
        { Step(""" "t": { "function": "train" }, "b": { "action": "best", "parameters": { "from": "x", "metric": "f1" } } """), "steps.b.parameters.from: there is no step 'x'" },
        { Step(""" "t": { "function": "train", "map": { "over": [1] } }, "b": { "action": "best", "parameters": { "from": "${inputs.name}", "metric": "f1" } } """), "steps.b.parameters.from: must be the id of a map step" },
        { Step(""" "t": { "function": "train", "map": { "over": [1] } }, "b": { "action": "best", "map": { "over": [1] }, "parameters": { "from": "t", "metric": "f1" } } """), "steps.b.map: only a function step" },
        { Step(""" "t": { "function": "train" }, "r": { "action": "register", "parameters": { "name": "m", "model": "${steps.t.result.data.model}" } } """), "steps.r.parameters.model: must be one artifact reference" },
        { Step(""" "t": { "function": "train" }, "r": { "action": "register", "parameters": { "name": "m", "model": "${steps.t.artifacts.model}", "metrics": 3 } } """), "steps.r.parameters.metrics: must be an object" },
        { Step(""" "t": { "function": "train" }, "r": { "action": "register", "artifacts": { "m": "${steps.t.artifacts.model}" }, "parameters": { "name": "m", "model": "${steps.t.artifacts.model}" } } """), "steps.r.artifacts: only a function step takes input artifacts" },
        { Step(""" "d": { "action": "deploy", "parameters": { "endpoint": "e", "function": "predict", "model": "m", "minReplicas": "two" } } """), "steps.d.parameters.minReplicas: must be an integer" },
        { Step(""" "d": { "action": "deploy", "parameters": { "endpoint": "e", "function": "train", "model": "m" } } """), "steps.d.parameters.function: function 'train' does not serve" },
        { Step(""" "d": { "action": "deploy", "parameters": { "endpoint": "e", "function": "predict", "model": "m", "minReplicas": 3, "maxReplicas": 2 } } """), "steps.d.parameters.maxReplicas: must be at least minReplicas (3), got 2" },
        { Step(""" "d": { "action": "deploy", "parameters": { "endpoint": "e", "function": "nope", "model": "m" } } """), "steps.d.parameters.function: function 'nope' does not exist" },
        { Step(""" "c": { "action": "call", "parameters": { "endpoint": "e", "instances": [] } } """), "steps.c.parameters.instances: must have at least 1 item(s)" },
        { Step(""" "p": { "action": "alias", "parameters": { "name": "m", "alias": "a", "version": 1, "ifBetter": { "metrc": "f1" } } } """), "steps.p.parameters.ifBetter.metrc: unknown key" },
        // References.
        { Step(""" "a": { "function": "train", "parameters": { "seed": "${inputs.sed}" } } """), "steps.a.parameters.seed: ${inputs.sed}: there is no input 'sed' (inputs: seed, name, flag, sizes, labels)" },
        { Step(""" "a": { "function": "train", "parameters": { "seed": "${steps.x.result.seed}" } } """), "steps.a.parameters.seed: ${steps.x.result.seed}: there is no step 'x'" },
        { Step(""" "a": { "function": "train", "parameters": { "seed": "${item}" } } """), "steps.a.parameters.seed: ${item}: ${item} is only defined in a map step's parameters and artifacts" },
        { Step(""" "a": { "function": "train", "parameters": { "seed": "${input.seed}" } } """), "steps.a.parameters.seed: ${input.seed} is not a reference" },
        { Step(""" "a": { "function": "train", "parameters": { "label": "${inputs.name" } } """), "steps.a.parameters.label: '${inputs.name': '${' at 0 has no closing '}'" },
        { Step(""" "a": { "function": "train" }, "b": { "function": "train", "parameters": { "label": "${steps.a.artifacts.model}" } } """), "steps.b.parameters.label: ${steps.a.artifacts.model}: an artifact reference goes only in a step's 'artifacts'" },
        { Step(""" "a": { "function": "train" }, "b": { "function": "train", "artifacts": { "data": "${steps.a.result.data}" } } """), "steps.b.artifacts.data: must be one artifact reference" },
        { Step(""" "a": { "function": "train" }, "b": { "function": "train", "artifacts": { "Data": "${steps.a.artifacts.model}" } } """), "steps.b.artifacts.Data: an artifact's name is 1-63 characters" },
        { Step(""" "t": { "function": "train" }, "r": { "action": "register", "parameters": { "name": "m", "model": "${steps.t.artifacts.model}" } }, "b": { "function": "train", "artifacts": { "m": "${steps.r.artifacts.model}" } } """), "steps.b.artifacts.m: ${steps.r.artifacts.model}: step 'r' (register) leaves no artifacts" },
        { Step(""" "t": { "function": "train", "map": { "over": [1] } }, "b": { "function": "train", "parameters": { "size": "${steps.t.result.metrics.f1}" } } """), "steps.b.parameters.size: ${steps.t.result.metrics.f1}: 't' is a map step" },
        { Step(""" "t": { "function": "train", "map": { "over": [1] } }, "b": { "function": "train", "artifacts": { "m": "${steps.t.artifacts.model}" } } """), "steps.b.artifacts.m: ${steps.t.artifacts.model}: 't' is a map step" },
        { Step(""" "h": { "function": "hello" }, "t": { "function": "train", "artifacts": { "m": "${steps.h.artifacts.model}" } } """), "steps.t.artifacts.m: ${steps.h.artifacts.model}: function 'hello' of step 'h' produces no model" },
        { Step(""" "h": { "function": "hello", "map": { "over": [1] } }, "b": { "action": "best", "parameters": { "from": "h", "metric": "f1" } }, "r": { "action": "register", "parameters": { "name": "m", "model": "${steps.b.artifacts.model}" } } """), "steps.r.parameters.model: ${steps.b.artifacts.model}: function 'hello' of step 'h' produces no model" },
        // Order.
        { Step(""" "a": { "function": "hello", "after": ["b"] }, "b": { "function": "hello", "after": ["a"] } """), "steps: a cycle: a -> b -> a" },
        { Step(""" "c": { "function": "hello" }, "a": { "function": "train", "parameters": { "seed": "${steps.b.result.seed}" } }, "b": { "function": "hello", "after": ["c", "a"] } """), "steps: a cycle: a -> b -> a" },
        { Step(""" "a": { "function": "train", "parameters": { "seed": "${steps.a.result.seed}" } } """), "steps: a cycle: a -> a" },
        { Step(""" "a": { "function": "hello" }, "deploy": { "function": "hello", "after": ["a", "promte"] } """), "steps.deploy.after[1]: 'promte' is not a step" },
        { Step(""" "a": { "function": "hello", "after": "b" } """), "steps.a.after: must be an array of step ids" },
        // Bounds.
        { Step(""" "a": { "function": "hello", "retries": 6 } """), "steps.a.retries: must be between 0 and 5" },
        { Step(""" "a": { "function": "hello", "retries": 1.5 } """), "steps.a.retries: must be an integer" },
        { Step(""" "a": { "function": "hello", "timeoutSeconds": 0 } """), "steps.a.timeoutSeconds: must be between 1 and 86400" },
        { Step(""" "a": { "function": "hello", "cache": "no" } """), "steps.a.cache: must be true or false" },
        { Step(""" "a": { "function": "train", "map": { "over": [1], "concurrency": 65 } } """), "steps.a.map.concurrency: must be between 1 and 64" },
        { Step(""" "a": { "function": "train", "map": { "over": [1], "minSuccessRatio": 1.5 } } """), "steps.a.map.minSuccessRatio: must be between 0 and 1" },
        { Step(""" "a": { "function": "train", "map": { "concurrency": 2 } } """), "steps.a.map.over: is required" },
        { Step(""" "a": { "function": "train", "map": { "over": "${inputs.seed}" } } """), "steps.a.map.over: must be an array; ${inputs.seed} is an integer" },
        { Step(""" "a": { "function": "train", "map": { "over": 3 } } """), "steps.a.map.over: must be a list (got a number)" },
        { Step(""" "a": { "function": "train", "map": { "over": "${item}" } } """), "steps.a.map.over: ${item}: ${item} is only defined" },
        // Conditions.
        { Step(""" "a": { "function": "hello", "when": "${inputs.seed}" } """), "steps.a.when: '${inputs.seed}' is not a boolean" },
        { Step(""" "a": { "function": "hello", "when": "0.5" } """), "steps.a.when: '0.5' is not a boolean" },
        { Step(""" "a": { "function": "hello", "when": "${inputs.name} > 3" } """), "steps.a.when: '${inputs.name} > 3': a string and a number cannot be compared by >" },
        { Step(""" "a": { "function": "hello", "when": "${inputs.seed} >= big" } """), "steps.a.when: 'big' is neither a reference nor a JSON literal" },
        { Step(""" "a": { "function": "hello", "when": "${inputs.seed} >= ${inputs.nope}" } """), "steps.a.when: ${inputs.nope}: there is no input 'nope'" },
        { Step(""" "a": { "function": "hello", "when": "x${inputs.seed} > 1" } """), "steps.a.when: 'x${inputs.seed}' is neither a reference nor a JSON literal" },
        { Step(""" "a": { "function": "hello", "when": true } """), "steps.a.when: must be a string: a condition" },
        { Step(""" "a": { "function": "train", "map": { "over": [1] }, "when": "${item} > 1" } """), "steps.a.when: ${item}: ${item} is only defined" },
        { Step(""" "a": { "function": "train" }, "b": { "function": "hello", "when": "${steps.a.artifacts.model} == 1" } """), "steps.b.when: ${steps.a.artifacts.model}: an artifact reference goes only" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task ParseAsync_Mistake_IsInvalidArgumentNamingTheField(string json, string expected)
    {
        var message = await _folder.RefusalAsync(json);

        Assert.StartsWith(expected, message);
    }

    [Fact]
    public async Task ParseAsync_MoreThanAHundredSteps_IsRefused()
    {
        var steps = string.Join(", ", Enumerable.Range(0, 101).Select(i => $"\"s{i}\": {{ \"function\": \"hello\" }}"));

        Assert.StartsWith("steps: must hold 1 to 100 steps (got 101)", await _folder.RefusalAsync("{ \"steps\": { " + steps + " } }"));
    }

    [Fact]
    public async Task ParseAsync_AHundredSteps_IsAccepted()
    {
        var steps = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"\"s{i}\": {{ \"function\": \"hello\"{(i > 0 ? $", \"after\": [\"s{i - 1}\"]" : "")} }}"));

        var plan = await _folder.ParseAsync("{ \"steps\": { " + steps + " } }");

        Assert.Equal(100, plan.Steps.Count);
    }

    public void Dispose() => _folder.Dispose();

    private static string Step(string steps) => "{ " + Inputs + " \"steps\": { " + steps + " } }";
}
