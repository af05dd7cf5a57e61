import Random

/// Builders for the network shapes the method uses (Docs/METHOD.md §3), free of any physics.
public enum Architectures {
    /// Fully connected layers of the given widths with `activation` between them (none after the last).
    public static func multilayerPerceptron(_ widths: [Int], activation: () -> Layer = { ReLU() },
                                            initialization: WeightInitialization = .xavierUniform, random: RandomStream) -> Sequential {
        var layers: [Layer] = []
        for (k, (inputs, outputs)) in zip(widths, widths.dropFirst()).enumerated() {
            if k > 0 { layers.append(activation()) }
            layers.append(Linear(inputs, outputs, initialization: initialization, random: random))
        }
        return Sequential(layers)
    }

    /// Image → vector: blocks of [Conv 3×3 pad 1 → BatchNorm → LeakyReLU(0.2) → MaxPool 2] with the
    /// given channel counts, then a Linear layer to `outputs`. Input [N, 1, size, size].
    public static func convolutionalEncoder(size: Int, channels: [Int], outputs: Int,
                                            initialization: WeightInitialization = .normal(std: 0.02), random: RandomStream) -> Sequential {
        var layers: [Layer] = []
        var previous = 1, side = size
        for width in channels {
            layers += [Conv2d(previous, width, kernel: 3, padding: 1, initialization: initialization, random: random),
                       BatchNorm(width), LeakyReLU(0.2), MaxPool2d()]
            previous = width
            side /= 2
        }
        layers += [Reshape.flatten(previous * side * side),
                   Linear(previous * side * side, outputs, initialization: initialization, random: random)]
        return Sequential(layers)
    }

    /// Vector → image: Linear(inputs → channels[0]·side²) → LeakyReLU(0.2), then ConvTranspose 3×3
    /// stride 2 blocks (BatchNorm + LeakyReLU between) through `channels`, doubling the side each
    /// time, the last to 1 channel with a Sigmoid. Output [N, 1, side·2^channels.count, …]: side 4
    /// for powers of two, 3 or 6 for 48 = 3·2⁴ = 6·2³.
    public static func convolutionalDecoder(inputs: Int, side: Int = 4, channels: [Int],
                                            initialization: WeightInitialization = .normal(std: 0.02), random: RandomStream) -> Sequential {
        var layers: [Layer] = [Linear(inputs, channels[0] * side * side, initialization: initialization, random: random), LeakyReLU(0.2),
                               Reshape([channels[0], side, side])]
        let widths = channels + [1]
        for (k, (from, to)) in zip(widths, widths.dropFirst()).enumerated() {
            layers.append(ConvTranspose2d(from, to, initialization: initialization, random: random))
            layers += k == widths.count - 2 ? [Sigmoid()] : [BatchNorm(to), LeakyReLU(0.2)]
        }
        return Sequential(layers)
    }
}
