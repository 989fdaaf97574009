using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace ModelOps.Testing;

/// <summary>
/// Starts a real maildev (SMTP catcher with a JSON API) from the repository's node_modules on free loopback ports,
/// and stops that process (by its own id) when the tests are done. <see cref="MessagesAsync"/> reads <c>GET /email</c>.
/// </summary>
public sealed class MaildevFixture : IAsyncLifetime
{
    private NodeServiceProcess? _service;

    public int SmtpPort { get; private set; }

    public int WebPort { get; private set; }

    /// <summary>The web API, e.g. <c>GET /email</c>.</summary>
    public HttpClient Web { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>What maildev printed (for failure messages).</summary>
    public string Output => _service?.Output ?? string.Empty;

    public async Task InitializeAsync()
    {
        string script = Path.Combine(RepositoryLayout.NodeModules, "maildev", "bin", "maildev");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"maildev is not installed at {script}; run the README's test command (it runs npm ci).");
        }

        _service = await NodeServiceProcess.StartAsync("maildev", script, 2, ports =>
            ["--smtp", NodeServiceProcess.Arg(ports[0]), "--web", NodeServiceProcess.Arg(ports[1]), "--ip", "127.0.0.1"]);
        (SmtpPort, WebPort) = (_service.Ports[0], _service.Ports[1]);
        Web.BaseAddress = new Uri($"http://127.0.0.1:{WebPort}/");
    }

    /// <summary>Every message maildev holds, as its JSON.</summary>
    public async Task<JsonElement[]> MessagesAsync(CancellationToken cancellationToken = default) =>
        await Web.GetFromJsonAsync<JsonElement[]>("email", cancellationToken) ?? [];

    /// <summary>Polls until a message to <paramref name="recipient"/> arrives (or the timeout passes).</summary>
    public async Task<JsonElement> WaitForMessageToAsync(string recipient, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            foreach (JsonElement message in await MessagesAsync(cts.Token))
            {
                if (message.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetProperty("address").GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
                {
                    return message;
                }
            }

            await Task.Delay(100, cts.Token);
        }
    }

    public Task DisposeAsync()
    {
        _service?.Dispose();
        Web.Dispose();
        return Task.CompletedTask;
    }
}
