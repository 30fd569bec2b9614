using Spectre.Console;

namespace Mlops.Cli.Output;

/// <summary>Tables in one style; cells are <see cref="Text"/>, never markup, since what the server says may hold [brackets].</summary>
internal static class Tables
{
    public static Table Create(string? title, params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(new TableTitle(Markup.Escape(title)));
        }

        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column.ToUpperInvariant(), new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    /// <summary>The table, or a line saying there is nothing to list (an empty grid reads like a failure).</summary>
    public static void Write(IAnsiConsole console, Table table, string empty)
    {
        if (table.Rows.Count == 0)
        {
            console.WriteLine(empty);
            return;
        }

        console.Write(table);
    }

    public static void AddTextRow(this Table table, params string[] cells) =>
        table.AddRow(cells.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)));
}
