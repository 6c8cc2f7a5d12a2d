using LlamaSwap.Configuration;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>Creates a fresh <see cref="UpstreamProcess"/> for every start of a model.</summary>
internal sealed class UpstreamProcessFactory(UpstreamProcessServices services) : IUpstreamProcessFactory
{
    public IUpstreamProcess Create(ModelConfig model) => new UpstreamProcess(model, services);
}
