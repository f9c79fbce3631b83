namespace SafeChat.Training.Semantic;

/// <summary>Principal components by orthogonal (subspace) iteration on the covariance matrix; small and deterministic.</summary>
internal static class Pca
{
    /// <summary>
    /// The top <paramref name="count"/> unit-length principal directions of <paramref name="rows"/> (centred on
    /// <paramref name="mean"/>), strongest first, and the share of the total variance they explain.
    /// </summary>
    public static (double[][] Components, double Explained) TopComponents(float[][] rows, double[] mean, int count, int seed, int iterations = 60)
    {
        int width = mean.Length;
        var covariance = new double[width, width];
        var centred = new double[width];
        foreach (var row in rows)
        {
            for (int k = 0; k < width; k++)
            {
                centred[k] = row[k] - mean[k];
            }

            for (int a = 0; a < width; a++)
            {
                double va = centred[a];
                for (int b = a; b < width; b++)
                {
                    covariance[a, b] += va * centred[b];
                }
            }
        }

        double total = 0;
        for (int a = 0; a < width; a++)
        {
            for (int b = a; b < width; b++)
            {
                covariance[a, b] /= Math.Max(1, rows.Length - 1);
                covariance[b, a] = covariance[a, b];
            }

            total += covariance[a, a];
        }

        var random = new Random(seed);
        var q = new double[count][];
        for (int c = 0; c < count; c++)
        {
            q[c] = [.. Enumerable.Range(0, width).Select(_ => random.NextDouble() - 0.5)];
        }

        Orthonormalize(q);
        for (int it = 0; it < iterations; it++)
        {
            for (int c = 0; c < count; c++)
            {
                var next = new double[width];
                for (int a = 0; a < width; a++)
                {
                    double sum = 0;
                    for (int b = 0; b < width; b++)
                    {
                        sum += covariance[a, b] * q[c][b];
                    }

                    next[a] = sum;
                }

                q[c] = next;
            }

            Orthonormalize(q);
        }

        var variances = q.Select(v => Quadratic(covariance, v)).ToArray();
        var order = Enumerable.Range(0, count).OrderByDescending(c => variances[c]).ToArray();
        return ([.. order.Select(c => q[c])], total == 0 ? 0 : variances.Sum() / total);
    }

    private static double Quadratic(double[,] m, double[] v)
    {
        double sum = 0;
        for (int a = 0; a < v.Length; a++)
        {
            for (int b = 0; b < v.Length; b++)
            {
                sum += v[a] * m[a, b] * v[b];
            }
        }

        return sum;
    }

    private static void Orthonormalize(double[][] vectors)
    {
        for (int c = 0; c < vectors.Length; c++)
        {
            var v = vectors[c];
            for (int p = 0; p < c; p++)
            {
                double dot = 0;
                for (int k = 0; k < v.Length; k++)
                {
                    dot += v[k] * vectors[p][k];
                }

                for (int k = 0; k < v.Length; k++)
                {
                    v[k] -= dot * vectors[p][k];
                }
            }

            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int k = 0; k < v.Length; k++)
            {
                v[k] = norm > 0 ? v[k] / norm : 0;
            }
        }
    }
}
