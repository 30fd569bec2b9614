using System.Globalization;
using Microsoft.ML.Data;

namespace Diabetes;

/// <summary>One patient: the ten baseline measurements, and the disease's progression a year later.</summary>
public sealed class Patient
{
    public static readonly string[] FeatureNames = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];

    [VectorType(10)]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }
}

internal static class Patients
{
    /// <summary>Reads the CSV shipped with the function: a comment line, a header, ten features and the progression.</summary>
    public static List<Patient> Load(string path) => File.ReadLines(path)
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Skip(1)
        .Select(line => line.Split(',').Select(cell => float.Parse(cell, CultureInfo.InvariantCulture)).ToArray())
        .Select(cells => new Patient { Features = cells[..10], Label = cells[10] })
        .ToList();
}
