import Execution
import Random

/// Transposed 2D convolution (PyTorch's `ConvTranspose2d`): the adjoint of a convolution, used to
/// upsample feature maps. Weight shape [in, out, k, k]; output size (H − 1)·s − 2p + k + output padding.
///
/// Forward is the backward-data pass of the matching convolution: `columns = Wᵀ × x`, then the
/// columns are added back onto the (larger) output image; backward is that convolution's forward.
public final class ConvTranspose2d: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public var isTraining = true
    let kernel: Int
    let stride: Int
    let padding: Int
    let outputPadding: Int
    private var input = Tensor(zeros: [0])

    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int = 3, stride: Int = 2, padding: Int = 1,
                outputPadding: Int = 1, initialization: WeightInitialization = .xavierUniform, random: RandomStream) {
        precondition(outputPadding < stride, "output padding must be smaller than the stride")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        weight = Parameter("weight", initialization.make(shape: [inputChannels, outputChannels, kernel, kernel],
                                                         fanIn: outputChannels * kernel * kernel, fanOut: inputChannels * kernel * kernel,
                                                         random: random))
        bias = Parameter("bias", Tensor(zeros: [outputChannels]))
    }

    public var parameters: [Parameter] { [weight, bias] }
    var inputChannels: Int { weight.value.shape[0] }
    var outputChannels: Int { weight.value.shape[1] }

    /// The convolution this layer is the transpose of: from the output image back to the input's size.
    func geometry(of input: Tensor) -> ConvolutionGeometry {
        precondition(input.shape.count == 4 && input.shape[1] == inputChannels,
                     "ConvTranspose2d expects [N, \(inputChannels), H, W], got \(input.shape)")
        let height = (input.shape[2] - 1) * stride - 2 * padding + kernel + outputPadding
        let width = (input.shape[3] - 1) * stride - 2 * padding + kernel + outputPadding
        let g = ConvolutionGeometry(channels: outputChannels, height: height, width: width, kernel: kernel, stride: stride, padding: padding)
        precondition(g.outputHeight == input.shape[2] && g.outputWidth == input.shape[3])
        return g
    }

    public func forward(_ input: Tensor) -> Tensor {
        self.input = input
        let g = geometry(of: input), batch = input.batch, channels = inputChannels
        let plane = g.height * g.width
        // Start from the bias; the columns are added on top.
        var output = Tensor(shape: [batch, outputChannels, g.height, g.width]) { y in
            for image in 0..<batch {
                for o in 0..<outputChannels {
                    (y.baseAddress! + (image * outputChannels + o) * plane).initialize(repeating: bias.value.data[o], count: plane)
                }
            }
        }
        let chunk = g.chunkSize(batch: batch)
        var inputMatrix = [Float](repeating: 0, count: channels * chunk * g.outputPositions)
        var columns = [Float](repeating: 0, count: g.patchSize * chunk * g.outputPositions)
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                for first in Swift.stride(from: 0, to: batch, by: chunk) {
                    let images = min(chunk, batch - first), width = images * g.outputPositions
                    gatherChunk(x.baseAddress! + first * channels * g.outputPositions, into: &inputMatrix,
                                images: images, channels: channels, positions: g.outputPositions)
                    // columns[r, k] = Σ_c W[c, r] X[c, k]
                    MatrixProducts.gemm(weight.value.data, inputMatrix, transposeA: true, into: &columns,
                                        m: g.patchSize, n: width, k: channels)
                    g.raiseChunk(columns, images: images, into: y.baseAddress! + first * g.imageSize)
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let g = geometry(of: input), batch = input.batch, channels = inputChannels
        var inputGradient = Tensor(zeros: input.shape)
        let chunk = g.chunkSize(batch: batch)
        var inputMatrix = [Float](repeating: 0, count: channels * chunk * g.outputPositions)
        var gradientMatrix = [Float](repeating: 0, count: channels * chunk * g.outputPositions)
        var columns = [Float](repeating: 0, count: g.patchSize * chunk * g.outputPositions)
        let plane = g.height * g.width
        outputGradient.data.withUnsafeBufferPointer { dy in
            for image in 0..<batch {
                for o in 0..<outputChannels {
                    let start = (image * outputChannels + o) * plane
                    var sum: Float = 0
                    for k in start..<(start + plane) { sum += dy[k] }
                    bias.gradient.data[o] += sum
                }
            }
        }
        input.data.withUnsafeBufferPointer { x in
            inputGradient.data.withUnsafeMutableBufferPointer { dx in
                outputGradient.data.withUnsafeBufferPointer { dy in
                    for first in Swift.stride(from: 0, to: batch, by: chunk) {
                        let images = min(chunk, batch - first), width = images * g.outputPositions
                        g.lowerChunk(dy.baseAddress! + first * g.imageSize, images: images, into: &columns)
                        // ∂X[c, k] = Σ_r W[c, r] columns[r, k]
                        MatrixProducts.gemm(weight.value.data, columns, into: &gradientMatrix, m: channels, n: width, k: g.patchSize)
                        scatterChunk(gradientMatrix, into: dx.baseAddress! + first * channels * g.outputPositions,
                                     images: images, channels: channels, positions: g.outputPositions)
                        // ∂W[c, r] += Σ_k X[c, k] columns[r, k]
                        gatherChunk(x.baseAddress! + first * channels * g.outputPositions, into: &inputMatrix,
                                    images: images, channels: channels, positions: g.outputPositions)
                        MatrixProducts.gemm(inputMatrix, columns, transposeB: true, into: &weight.gradient.data,
                                            m: channels, n: g.patchSize, k: width, beta: 1)
                    }
                }
            }
        }
        return inputGradient
    }
}
