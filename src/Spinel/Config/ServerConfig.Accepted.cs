namespace Spinel.Config;

// Redis settings Spinel accepts (CONFIG GET shows them, CONFIG SET and the config file store them)
// before the features behind them exist, so tools that read or write them keep working.
public sealed partial class ServerConfig
{
    private void RegisterAccepted()
    {
        AddAccepted("daemonize", "no", ConfigKind.Bool, immutable: true);
        AddAccepted("save", "3600 1 300 100 60 10000", ConfigKind.MultiString);
        AddAccepted("appendonly", "no", ConfigKind.Bool);
        AddAccepted("maxmemory", "0", ConfigKind.Memory);
        AddAccepted("protected-mode", "yes", ConfigKind.Bool);
    }
}
