using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace SafeChat.Training;

/// <summary>One ML.NET L-BFGS logistic regression head, shared by the line model and the aggregator.</summary>
internal static class LogisticHead
{
    /// <summary>
    /// Fits a head on the <c>Label</c>, <c>Features</c> and <c>Weight</c> columns of <paramref name="data"/>, writes its
    /// weights into column <paramref name="head"/> of the row-major [features × heads] <paramref name="weights"/> matrix,
    /// and returns its bias.
    /// </summary>
    public static float Fit(
        MLContext ml,
        IDataView data,
        float l2,
        float optimizationTolerance,
        int maximumIterations,
        float[] weights,
        int heads,
        int head)
    {
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            ExampleWeightColumnName = "Weight",
            L2Regularization = l2,
            L1Regularization = 0f,
            OptimizationTolerance = optimizationTolerance,
            MaximumNumberOfIterations = maximumIterations,
            NumberOfThreads = 1,
        });
        var linear = trainer.Fit(data).Model.SubModel;
        var fitted = linear.Weights;
        int features = weights.Length / heads;
        for (int i = 0; i < features; i++)
        {
            weights[(i * heads) + head] = fitted[i];
        }

        return linear.Bias;
    }
}
