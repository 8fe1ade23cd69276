using System.Collections.Concurrent;
using Spinel.Networking;

namespace Spinel.Server;

/// <summary>The connected clients, by id; CLIENT LIST/KILL, INFO clients, timeouts and shutdown read it.</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientConnection> _clients = new();

    public int Count => _clients.Count;

    public void Add(ClientConnection connection) => _clients[connection.Session.Id] = connection;

    public void Remove(ClientConnection connection) => _clients.TryRemove(connection.Session.Id, out _);

    /// <summary>Sessions ordered by id, as CLIENT LIST shows them.</summary>
    public List<ClientSession> Sessions()
    {
        var list = new List<ClientSession>(_clients.Count);
        foreach (var c in _clients.Values) list.Add(c.Session);
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return list;
    }

    public ClientSession? Find(long id) => _clients.TryGetValue(id, out var c) ? c.Session : null;

    public void CloseAll()
    {
        foreach (var c in _clients.Values) c.Close();
    }
}
