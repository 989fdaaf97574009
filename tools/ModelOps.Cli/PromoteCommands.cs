using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;
using ModelOps.Storage.Registry;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops promote request|status|list|cancel|rollback</c>. Request, status, list and cancel go through the Pipelines app's HTTP API
/// (<c>--url</c>, default the local stack's <c>http://127.0.0.1:7072</c>; a function key from <c>--key</c>,
/// <c>MODELOPS_FUNCTION_KEY</c>, or the local stack's settings), so the orchestration does the work; rollback moves
/// the alias in the registry directly (<c>--connection</c>, audit key as for <c>models</c>), with its own audit entry.
/// </summary>
internal static class PromoteCommands
{
    private static readonly Option<string> Url = new("--url") { Description = "The Pipelines app's address.", DefaultValueFactory = _ => "http://127.0.0.1:7072" };

    private static readonly Option<string?> Key = new("--key") { Description = "A function key (default: MODELOPS_FUNCTION_KEY, else the local stack's Host.FunctionKeys.default)." };

    public static Command Create()
    {
        var promote = new Command("promote", "Ask for a promotion (gates, approval by e-mail, then the alias moves), follow it, or roll an alias back.");
        promote.Subcommands.Add(Request());
        promote.Subcommands.Add(Status());
        promote.Subcommands.Add(List());
        promote.Subcommands.Add(Cancel());
        promote.Subcommands.Add(Rollback());
        return promote;
    }

    private static Command Request()
    {
        var model = new Argument<string>("MODEL") { Description = "The registered model." };
        var version = new Argument<int>("VERSION") { Description = "The version to promote." };
        var requester = new Option<string>("--requester") { Description = "Your e-mail address (you are told the outcome; you may not approve).", Required = true };
        var alias = new Option<string>("--alias") { Description = "The alias to move.", DefaultValueFactory = _ => ModelRegistry.ChampionAlias };
        var reason = new Option<string>("--reason") { Description = "Why: manual, drift or accuracy.", DefaultValueFactory = _ => "manual" };
        var note = new Option<string?>("--note") { Description = "A note for the approvers." };
        var breaking = new Option<bool>("--allow-breaking-schema") { Description = "Accept inputs that break the champion's callers." };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("request", "Ask for VERSION of MODEL to become the alias; prints the request id and its status link.") { model, version, requester, alias, reason, note, breaking, Url, Key, quiet };
        command.SetAction((result, ct) => CliRun.GuardedAsync("promote request", async () =>
        {
            var body = new JsonObject
            {
                ["version"] = result.GetValue(version),
                ["targetAlias"] = result.GetValue(alias),
                ["reason"] = result.GetValue(reason),
                ["requester"] = result.GetValue(requester),
                ["note"] = result.GetValue(note),
                ["allowBreakingSchema"] = result.GetValue(breaking),
            };
            using HttpClient http = Client(result);
            using HttpResponseMessage response = await SendAsync(http, h => h.PostAsJsonAsync($"api/models/{Uri.EscapeDataString(result.GetValue(model)!)}/promotions", body, ct), result, ct);
            JsonElement answer = await ReadAsync(response, ct);
            Console.WriteLine(answer.GetProperty("requestId").GetString());
            if (!result.GetValue(quiet)) Console.WriteLine($"status: modelops promote status {result.GetValue(model)} {result.GetValue(version)}");
            return CliRun.Ok;
        }));
        return command;
    }

    private static Command Status()
    {
        var model = new Argument<string>("MODEL") { Description = "The registered model." };
        var version = new Argument<int>("VERSION") { Description = "The version asked for." };
        var json = new Option<bool>("--json") { Description = "Print the status document." };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("status", "The stage of the promotion request for VERSION of MODEL, and why it ended.") { model, version, json, Url, Key, quiet };
        command.SetAction((result, ct) => CliRun.GuardedAsync("promote status", async () =>
        {
            using HttpClient http = Client(result);
            using HttpResponseMessage response = await SendAsync(http, h => h.GetAsync($"api/models/{Uri.EscapeDataString(result.GetValue(model)!)}/promotions/{result.GetValue(version)}", ct), result, ct);
            JsonElement status = await ReadAsync(response, ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(status.GetRawText());
                return CliRun.Ok;
            }

            Console.WriteLine(status.GetProperty("stage").GetString());
            if (!result.GetValue(quiet))
            {
                foreach (JsonElement reason in status.GetProperty("reasons").EnumerateArray()) Console.WriteLine("  " + reason.GetString());
            }

            return CliRun.Ok;
        }));
        return command;
    }

    private static Command List()
    {
        var model = new Argument<string>("MODEL") { Description = "The registered model." };
        var json = new Option<bool>("--json") { Description = "Print the status documents." };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("list", "Every promotion request made for MODEL, newest first: version, stage, when (quiet: versions only).") { model, json, Url, Key, quiet };
        command.SetAction((result, ct) => CliRun.GuardedAsync("promote list", async () =>
        {
            using HttpClient http = Client(result);
            using HttpResponseMessage response = await SendAsync(http, h => h.GetAsync($"api/models/{Uri.EscapeDataString(result.GetValue(model)!)}/promotions", ct), result, ct);
            JsonElement list = await ReadAsync(response, ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(list.GetRawText());
                return CliRun.Ok;
            }

            foreach (JsonElement status in list.EnumerateArray())
            {
                if (result.GetValue(quiet))
                {
                    Console.WriteLine(status.GetProperty("version").GetInt32());
                    continue;
                }

                Console.WriteLine($"{status.GetProperty("version").GetInt32()}\t{status.GetProperty("stage").GetString()}\t{status.GetProperty("createdAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)}\t{status.GetProperty("requestId").GetString()}");
            }

            return CliRun.Ok;
        }));
        return command;
    }

    private static Command Cancel()
    {
        var model = new Argument<string>("MODEL") { Description = "The registered model." };
        var version = new Argument<int>("VERSION") { Description = "The version asked for." };
        var reason = new Option<string>("--reason") { Description = "Why the request is withdrawn (the requester is told).", Required = true };
        var by = new Option<string?>("--by") { Description = "Who cancels (an e-mail address; default: the function key's name)." };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("cancel", "Withdraw the open promotion request for VERSION of MODEL; fails when it ended or was decided first.") { model, version, reason, by, Url, Key, quiet };
        command.SetAction((result, ct) => CliRun.GuardedAsync("promote cancel", async () =>
        {
            var body = new JsonObject { ["reason"] = result.GetValue(reason), ["by"] = result.GetValue(by) };
            using HttpClient http = Client(result);
            using HttpResponseMessage response = await SendAsync(http, h => h.PostAsJsonAsync($"api/models/{Uri.EscapeDataString(result.GetValue(model)!)}/promotions/{result.GetValue(version)}/cancel", body, ct), result, ct);
            JsonElement status = await ReadAsync(response, ct);
            Console.WriteLine(result.GetValue(quiet) ? status.GetProperty("requestId").GetString() : $"{status.GetProperty("requestId").GetString()} cancelled; the requester is told");
            return CliRun.Ok;
        }));
        return command;
    }

    private static Command Rollback()
    {
        var model = new Argument<string>("MODEL") { Description = "The registered model." };
        var alias = new Option<string>("--alias") { Description = "The alias to move back.", DefaultValueFactory = _ => ModelRegistry.ChampionAlias };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the audit log).", Required = true };
        var principal = new Option<string?>("--principal") { Description = "Who is rolling back (default: the OS user)." };
        var connection = new Option<string?>("--connection") { Description = "Storage connection string (default: the AzureWebJobsStorage connection from the environment; else local Azurite)." };
        var auditKey = new Option<string?>("--audit-key") { Description = "Base64 audit key (default: the Registry__AuditKey setting)." };
        var table = new Option<string>("--table") { Description = "Registry table.", DefaultValueFactory = _ => new RegistryStorageOptions().TableName };
        var container = new Option<string>("--container") { Description = "Artifact container.", DefaultValueFactory = _ => new RegistryStorageOptions().ArtifactContainer };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("rollback", "Point the alias back at the version it had before its last move (its own audit entry).") { model, alias, reason, principal, connection, auditKey, table, container, quiet };
        command.SetAction((result, ct) => CliRun.GuardedAsync("promote rollback", async () =>
        {
            string key = (result.GetValue(auditKey) ?? Environment.GetEnvironmentVariable("Registry__AuditKey")) is { Length: > 0 } text
                ? text
                : throw new InvalidRegistryRequestException("--audit-key", "is required (or set Registry__AuditKey).");
            ModelRegistry registry = ModelRegistryFactory.Create(
                CliStorage.Connection(result.GetValue(connection)), new RegistryOptions { AuditKey = key },
                new RegistryStorageOptions { TableName = result.GetValue(table)!, ArtifactContainer = result.GetValue(container)! }, TimeProvider.System);
            PromotedAlias moved = await new PromotionRollback(registry).RollBackAsync(
                result.GetValue(model)!, result.GetValue(alias)!, result.GetValue(reason)!, result.GetValue(principal) ?? Environment.UserName, ct);
            Console.WriteLine(result.GetValue(quiet)
                ? moved.ToVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : $"{moved.Model} '{moved.Alias}': version {moved.FromVersion} -> {moved.ToVersion}");
            return CliRun.Ok;
        }));
        return command;
    }

    private static HttpClient Client(ParseResult result)
    {
        if (!Uri.TryCreate(result.GetValue(Url), UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--url must be an absolute http(s) address (got '{result.GetValue(Url)}')");
        }

        var http = new HttpClient { BaseAddress = new Uri(url.AbsoluteUri.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("x-functions-key", FunctionKey(result));
        return http;
    }

    private static string FunctionKey(ParseResult result)
    {
        if ((result.GetValue(Key) ?? Environment.GetEnvironmentVariable("MODELOPS_FUNCTION_KEY")) is { Length: > 0 } key) return key;
        try
        {
            string settings = Path.Combine(StackLayout.FindRoot(Environment.CurrentDirectory), ".modelops", "local.settings.json");
            if (File.Exists(settings) && JsonNode.Parse(File.ReadAllText(settings))?["Host"]?["FunctionKeys"]?["default"]?.GetValue<string>() is { Length: > 0 } local)
            {
                return local;
            }
        }
        catch (InvalidOperationException)
        {
            // Not inside the repository: there is no local stack to take the key from.
        }

        throw new CliUsageException("--key is required (or set MODELOPS_FUNCTION_KEY, or run inside the repository after modelops up)");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<HttpClient, Task<HttpResponseMessage>> send, ParseResult result, CancellationToken ct)
    {
        try
        {
            return await send(http);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"the Pipelines app at {result.GetValue(Url)} did not answer ({e.HttpRequestError}); is it running (modelops up)?");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the Pipelines app at {result.GetValue(Url)} did not answer in time");
        }
    }

    /// <summary>The JSON of a success; a problem becomes the error, by status: 400 is a usage error (the field is named), others a failure.</summary>
    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text = await response.Content.ReadAsStringAsync(ct);
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"the Pipelines app answered {(int)response.StatusCode} without JSON");
        }

        if (response.IsSuccessStatusCode) return json;
        string detail = json.TryGetProperty("detail", out JsonElement d) ? d.GetString() ?? string.Empty : response.ReasonPhrase ?? string.Empty;
        if (json.TryGetProperty("field", out JsonElement field)) detail = $"{field.GetString()}: {detail}";
        if (response.StatusCode == HttpStatusCode.Unauthorized) detail = "the function key was refused (--key)";
        throw response.StatusCode == HttpStatusCode.BadRequest ? new CliUsageException(detail) : new InvalidOperationException($"{(int)response.StatusCode}: {detail}");
    }
}
