import Execution
import Random

/// 2D convolution (cross-correlation, as PyTorch) with square kernels on NCHW tensors.
///
/// Lowered by im2col: for a chunk of images the kernel patches become the columns of a
/// [C·k·k, chunk·positions] matrix, and the convolution is `W [out, C·k·k] × columns` in one sgemm.
/// Backward recomputes the columns rather than keeping them.
public final class Conv2d: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public var isTraining = true
    let kernel: Int
    let stride: Int
    let padding: Int
    private var input = Tensor(zeros: [0])

    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                initialization: WeightInitialization = .xavierUniform, random: RandomStream) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        let patch = inputChannels * kernel * kernel
        weight = Parameter("weight", initialization.make(shape: [outputChannels, inputChannels, kernel, kernel],
                                                         fanIn: patch, fanOut: outputChannels * kernel * kernel, random: random))
        bias = Parameter("bias", Tensor(zeros: [outputChannels]))
    }

    public var parameters: [Parameter] { [weight, bias] }
    var outputChannels: Int { weight.value.shape[0] }

    func geometry(of input: Tensor) -> ConvolutionGeometry {
        precondition(input.shape.count == 4 && input.shape[1] == weight.value.shape[1],
                     "Conv2d expects [N, \(weight.value.shape[1]), H, W], got \(input.shape)")
        return ConvolutionGeometry(channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                                   kernel: kernel, stride: stride, padding: padding)
    }

    public func forward(_ input: Tensor) -> Tensor {
        self.input = input
        let g = geometry(of: input), batch = input.batch, out = outputChannels
        var output = Tensor(zeros: [batch, out, g.outputHeight, g.outputWidth])
        let chunk = g.chunkSize(batch: batch)
        var columns = [Float](repeating: 0, count: g.patchSize * chunk * g.outputPositions)
        var product = [Float](repeating: 0, count: out * chunk * g.outputPositions)
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                for first in Swift.stride(from: 0, to: batch, by: chunk) {
                    let images = min(chunk, batch - first), width = images * g.outputPositions
                    g.lowerChunk(x.baseAddress! + first * g.imageSize, images: images, into: &columns)
                    // product[o, i·P + p] = b[o] + Σ_r W[o, r] columns[r, i·P + p]
                    product.withUnsafeMutableBufferPointer { product in
                        for o in 0..<out {
                            (product.baseAddress! + o * width).update(repeating: bias.value.data[o], count: width)
                        }
                    }
                    MatrixProducts.gemm(weight.value.data, columns, into: &product, m: out, n: width, k: g.patchSize, beta: 1)
                    scatterChunk(product, into: y.baseAddress! + first * out * g.outputPositions,
                                 images: images, channels: out, positions: g.outputPositions)
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        let g = geometry(of: input), batch = input.batch, out = outputChannels
        var inputGradient = Tensor(zeros: input.shape)
        let chunk = g.chunkSize(batch: batch)
        var columns = [Float](repeating: 0, count: g.patchSize * chunk * g.outputPositions)
        var gradientMatrix = [Float](repeating: 0, count: out * chunk * g.outputPositions)
        input.data.withUnsafeBufferPointer { x in
            inputGradient.data.withUnsafeMutableBufferPointer { dx in
                outputGradient.data.withUnsafeBufferPointer { dy in
                    for first in Swift.stride(from: 0, to: batch, by: chunk) {
                        let images = min(chunk, batch - first), width = images * g.outputPositions
                        gatherChunk(dy.baseAddress! + first * out * g.outputPositions, into: &gradientMatrix,
                                    images: images, channels: out, positions: g.outputPositions)
                        g.lowerChunk(x.baseAddress! + first * g.imageSize, images: images, into: &columns)
                        // ∂W[o, r] += Σ_k dY[o, k] columns[r, k];  ∂b[o] += Σ_k dY[o, k]
                        MatrixProducts.gemm(gradientMatrix, columns, transposeB: true, into: &weight.gradient.data,
                                            m: out, n: g.patchSize, k: width, beta: 1)
                        gradientMatrix.withUnsafeBufferPointer { dY in
                            for o in 0..<out {
                                var sum: Float = 0
                                for k in (o * width)..<((o + 1) * width) { sum += dY[k] }
                                bias.gradient.data[o] += sum
                            }
                        }
                        // ∂columns[r, k] = Σ_o W[o, r] dY[o, k], then back onto the images.
                        MatrixProducts.gemm(weight.value.data, gradientMatrix, transposeA: true, into: &columns,
                                            m: g.patchSize, n: width, k: out)
                        g.raiseChunk(columns, images: images, into: dx.baseAddress! + first * g.imageSize)
                    }
                }
            }
        }
        return inputGradient
    }
}
