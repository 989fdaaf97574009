using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>The front doors' ports are held from the start, so a starting worker cannot take one of them.</summary>
public sealed class PortReservationTests
{
    [Fact]
    public void A_held_port_cannot_be_bound_by_anyone_else_until_it_is_released()
    {
        int port = LoopbackPorts.GetFree();
        using var reservation = PortReservation.Hold([port]);

        LoopbackPorts.IsFree(port).Should().BeFalse("a worker looking for a free port must not get this one");
        reservation.Release(port);
        LoopbackPorts.IsFree(port).Should().BeTrue("the front door binds it once it is released");
    }

    [Fact]
    public void Disposing_the_reservation_lets_go_of_every_port_it_still_holds()
    {
        int first = LoopbackPorts.GetFree();
        int second = LoopbackPorts.GetFree();
        using (PortReservation.Hold([first, second]))
        {
            LoopbackPorts.IsFree(first).Should().BeFalse();
            LoopbackPorts.IsFree(second).Should().BeFalse();
        }

        LoopbackPorts.IsFree(first).Should().BeTrue();
        LoopbackPorts.IsFree(second).Should().BeTrue();
    }

    [Fact]
    public void Holding_a_port_in_use_is_refused_with_the_port_named_and_nothing_held()
    {
        int free = LoopbackPorts.GetFree();
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int taken = ((IPEndPoint)busy.LocalEndpoint).Port;

        Action hold = () => PortReservation.Hold([free, taken]);

        hold.Should().Throw<InvalidOperationException>().WithMessage($"*{taken}*--port*");
        LoopbackPorts.IsFree(free).Should().BeTrue("a refused reservation keeps nothing");
    }

    [Fact]
    public async Task The_host_started_on_a_busy_port_exits_with_1_and_names_the_port()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int taken = ((IPEndPoint)busy.LocalEndpoint).Port;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { ShutdownTests.HostAssembly, TestApp.AppFolder, "--port", taken.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        using Process host = Process.Start(info)!;
        Task<string> errors = host.StandardError.ReadToEndAsync();
        using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await host.WaitForExitAsync(stopped.Token);
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }

        host.ExitCode.Should().Be(1);
        (await errors).Should().Contain($"Port {taken} on 127.0.0.1 is already in use");
    }
}
