using System.Net;
using System.Net.Sockets;

namespace LocalFunctionsHost;

/// <summary>
/// Holds the front doors' ports from the start until each front door binds its own. A worker picks a free port
/// for its ASP.NET Core endpoint while it starts, before the front door listens; without the hold it can pick the
/// very port the front door is about to take, and the host then fails to bind.
/// </summary>
internal sealed class PortReservation : IDisposable
{
    private readonly Dictionary<int, TcpListener> _held = [];

    /// <summary>Binds 127.0.0.1 on each port; a port already in use is an error naming it.</summary>
    public static PortReservation Hold(IEnumerable<int> ports)
    {
        var reservation = new PortReservation();
        try
        {
            foreach (int port in ports)
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                try
                {
                    listener.Start();
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    listener.Dispose();
                    throw new InvalidOperationException($"Port {port} on 127.0.0.1 is already in use; choose another with --port.", e);
                }

                reservation._held[port] = listener;
            }
        }
        catch
        {
            reservation.Dispose();
            throw;
        }

        return reservation;
    }

    /// <summary>Lets go of <paramref name="port"/> so the front door can bind it; a port not held is ignored.</summary>
    public void Release(int port)
    {
        if (_held.Remove(port, out TcpListener? listener))
        {
            listener.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (TcpListener listener in _held.Values)
        {
            listener.Dispose();
        }

        _held.Clear();
    }
}
