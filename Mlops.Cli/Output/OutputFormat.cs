namespace Mlops.Cli.Output;

internal enum OutputFormat
{
    Table,
    Json,
}
