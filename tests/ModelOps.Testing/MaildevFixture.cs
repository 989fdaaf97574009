using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace ModelOps.Testing;

/// <summary>
/// Starts a real maildev (SMTP catcher with a JSON API) from the repository's node_modules on free loopback ports,
/// and stops that process (by its own id) when the tests are done. <see cref="MessagesAsync"/> reads <c>GET /email</c>.
/// </summary>
public sealed class MaildevFixture : IAsyncLifetime
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public int SmtpPort { get; private set; }

    public int WebPort { get; private set; }

    /// <summary>The web API, e.g. <c>GET /email</c>.</summary>
    public HttpClient Web { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>What maildev printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        string script = Path.Combine(RepositoryLayout.NodeModules, "maildev", "bin", "maildev");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"maildev is not installed at {script}; run the README's test command (it runs npm ci).");
        }

        for (int attempt = 0; ; attempt++)
        {
            SmtpPort = LoopbackPorts.GetFree();
            WebPort = LoopbackPorts.GetFree();
            _process = Start(script);
            try
            {
                Process process = _process;
                await LoopbackPorts.WaitUntilListeningAsync(SmtpPort, TimeSpan.FromSeconds(60), () => !process.HasExited);
                await LoopbackPorts.WaitUntilListeningAsync(WebPort, TimeSpan.FromSeconds(60), () => !process.HasExited);
                Web.BaseAddress = new Uri($"http://127.0.0.1:{WebPort}/");
                return;
            }
            catch (Exception) when (attempt < 2)
            {
                Stop(); // a port taken between the probe and the start: try new ones
            }
            catch (Exception e)
            {
                Stop();
                throw new InvalidOperationException("maildev did not start: " + Output, e);
            }
        }
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

    private Process Start(string script)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            script, "--smtp", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--web", WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ip", "127.0.0.1",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        Web.Dispose();
        return Task.CompletedTask;
    }

    private void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }
}
