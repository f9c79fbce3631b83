namespace SafeChat.Training.Semantic;

/// <summary>
/// Fits static token vectors to a sentence encoder's embeddings of whole lines (the "tokenlearn" idea of Model2Vec):
/// the vectors V minimize Σ_s ‖mean_{t∈s} V_t − E_s‖² + λ Σ_t ‖V_t − V0_t‖², where E_s is the encoder's embedding of
/// training line s and V0_t the encoder's embedding of token t alone. A line's mean token vector then approximates what
/// the encoder makes of the line in context, and a token seen in few lines stays near its own embedding. The mean stays
/// what the per-token graph computes, so the runtime does not change.
/// </summary>
internal static class TokenRegression
{
    /// <summary>Default ridge weight pulling each token's vector to its own embedding (a design choice, not tuned).</summary>
    public const double DefaultLambda = 0.05;

    /// <summary>Conjugate-gradient iterations on the normal equations.</summary>
    public const int Iterations = 60;

    /// <summary>
    /// Solves (AᵀA + λI) V = AᵀE + λV0 by conjugate gradients, one independent system per embedding component, where
    /// row s of A holds count(t in s) / |s| over the line's tokens.
    /// </summary>
    /// <param name="tokenAlone">V0: one vector per vocabulary token (an empty or zero row stays zero).</param>
    /// <param name="lineTokens">Each training line's token ids (lines without tokens are skipped).</param>
    /// <param name="lineEmbeddings">E: the encoder's embedding of each line, in the same order.</param>
    /// <param name="log">Receives the residual before and after.</param>
    /// <param name="lambda">The ridge weight λ.</param>
    public static float[][] Fit(float[][] tokenAlone, IReadOnlyList<IReadOnlyList<int>> lineTokens, float[][] lineEmbeddings, TextWriter log, double lambda = DefaultLambda)
    {
        if (lineTokens.Count != lineEmbeddings.Length)
        {
            throw new ArgumentException($"{lineTokens.Count} token lists for {lineEmbeddings.Length} embeddings.", nameof(lineEmbeddings));
        }

        int vocab = tokenAlone.Length;
        int dim = tokenAlone.First(v => v.Length > 0).Length;
        var live = new bool[vocab];
        for (int t = 0; t < vocab; t++)
        {
            live[t] = tokenAlone[t].Length == dim && tokenAlone[t].Any(v => v != 0f);
        }

        // A in compressed rows: the distinct live tokens of each line with count / |line|.
        var rows = new List<(int[] Tokens, double[] Weights, float[] Target)>();
        for (int s = 0; s < lineTokens.Count; s++)
        {
            var counts = lineTokens[s].Where(t => t >= 0 && t < vocab && live[t]).GroupBy(t => t).ToList();
            int n = counts.Sum(g => g.Count());
            if (n == 0)
            {
                continue;
            }

            rows.Add(([.. counts.Select(g => g.Key)], [.. counts.Select(g => (double)g.Count() / n)], lineEmbeddings[s]));
        }

        var x = new double[(long)vocab * dim];
        var b = new double[(long)vocab * dim];
        for (int t = 0; t < vocab; t++)
        {
            if (!live[t])
            {
                continue;
            }

            for (int k = 0; k < dim; k++)
            {
                x[((long)t * dim) + k] = tokenAlone[t][k];
                b[((long)t * dim) + k] = lambda * tokenAlone[t][k];
            }
        }

        // B = AᵀE + λV0.
        foreach (var (tokens, weights, target) in rows)
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                long offset = (long)tokens[i] * dim;
                for (int k = 0; k < dim; k++)
                {
                    b[offset + k] += weights[i] * target[k];
                }
            }
        }

        log.WriteLine($"semantic-stage: token regression over {rows.Count} training lines, {live.Count(l => l)} tokens, λ {lambda}: residual {Residual(rows, x, dim):F4} (tokens alone)");
        var r = new double[x.Length];
        Multiply(rows, live, x, r, dim, lambda);
        for (long i = 0; i < r.Length; i++)
        {
            r[i] = b[i] - r[i];
        }

        var p = (double[])r.Clone();
        var mp = new double[x.Length];
        var rs = ColumnDots(r, r, dim);
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            Multiply(rows, live, p, mp, dim, lambda);
            var pmp = ColumnDots(p, mp, dim);
            var alpha = new double[dim];
            for (int k = 0; k < dim; k++)
            {
                alpha[k] = pmp[k] > 0 ? rs[k] / pmp[k] : 0;
            }

            for (long i = 0; i < x.Length; i++)
            {
                int k = (int)(i % dim);
                x[i] += alpha[k] * p[i];
                r[i] -= alpha[k] * mp[i];
            }

            var next = ColumnDots(r, r, dim);
            for (long i = 0; i < p.Length; i++)
            {
                int k = (int)(i % dim);
                p[i] = r[i] + (rs[k] > 0 ? next[k] / rs[k] : 0) * p[i];
            }

            rs = next;
        }

        log.WriteLine($"semantic-stage: token regression residual after {Iterations} iterations {Residual(rows, x, dim):F4}");
        var fitted = new float[vocab][];
        for (int t = 0; t < vocab; t++)
        {
            fitted[t] = new float[tokenAlone[t].Length];
            if (!live[t])
            {
                continue;
            }

            for (int k = 0; k < dim; k++)
            {
                fitted[t][k] = (float)x[((long)t * dim) + k];
            }
        }

        return fitted;
    }

    // output = (AᵀA + λI) input, over live tokens only.
    private static void Multiply(List<(int[] Tokens, double[] Weights, float[] Target)> rows, bool[] live, double[] input, double[] output, int dim, double lambda)
    {
        Array.Clear(output);
        var y = new double[dim];
        foreach (var (tokens, weights, _) in rows)
        {
            Array.Clear(y);
            for (int i = 0; i < tokens.Length; i++)
            {
                long offset = (long)tokens[i] * dim;
                double w = weights[i];
                for (int k = 0; k < dim; k++)
                {
                    y[k] += w * input[offset + k];
                }
            }

            for (int i = 0; i < tokens.Length; i++)
            {
                long offset = (long)tokens[i] * dim;
                double w = weights[i];
                for (int k = 0; k < dim; k++)
                {
                    output[offset + k] += w * y[k];
                }
            }
        }

        for (int t = 0; t < live.Length; t++)
        {
            if (!live[t])
            {
                continue;
            }

            long offset = (long)t * dim;
            for (int k = 0; k < dim; k++)
            {
                output[offset + k] += lambda * input[offset + k];
            }
        }
    }

    private static double[] ColumnDots(double[] a, double[] b, int dim)
    {
        var dots = new double[dim];
        for (long i = 0; i < a.Length; i++)
        {
            dots[i % dim] += a[i] * b[i];
        }

        return dots;
    }

    // Mean over lines of ‖mean token vector − line embedding‖².
    private static double Residual(List<(int[] Tokens, double[] Weights, float[] Target)> rows, double[] x, int dim)
    {
        double total = 0;
        var y = new double[dim];
        foreach (var (tokens, weights, target) in rows)
        {
            Array.Clear(y);
            for (int i = 0; i < tokens.Length; i++)
            {
                long offset = (long)tokens[i] * dim;
                for (int k = 0; k < dim; k++)
                {
                    y[k] += weights[i] * x[offset + k];
                }
            }

            for (int k = 0; k < dim; k++)
            {
                double d = y[k] - target[k];
                total += d * d;
            }
        }

        return rows.Count == 0 ? 0 : total / rows.Count;
    }
}
