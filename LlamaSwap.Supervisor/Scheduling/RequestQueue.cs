namespace LlamaSwap.Supervisor.Scheduling;

/// <summary>
/// Requests that could not be served, started or joined yet, in service order: higher priority first,
/// first come first served among equals. Owned by the loop.
/// </summary>
internal sealed class RequestQueue
{
    private readonly List<Ticket> _tickets = [];

    public int Count => _tickets.Count;

    public void Enqueue(Ticket ticket)
    {
        var before = _tickets.FindIndex(t => t.Priority < ticket.Priority);
        _tickets.Insert(before < 0 ? _tickets.Count : before, ticket);
    }

    public bool Remove(Ticket ticket) => _tickets.Remove(ticket);

    public bool Contains(Ticket ticket) => _tickets.Contains(ticket);

    /// <summary>A copy, so callers may remove tickets while walking it.</summary>
    public Ticket[] InOrder() => [.. _tickets];

    /// <summary>The first request in service order that was admitted at or before <paramref name="cutoff"/>.</summary>
    public Ticket? FirstAdmittedBy(DateTimeOffset cutoff) => _tickets.Find(t => t.AdmittedAt <= cutoff);
}
