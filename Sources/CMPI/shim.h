// Open MPI's C interface on MPI_COMM_WORLD. The communicator and datatypes are macros over
// global objects, which Swift cannot import: these functions name them.
#include <mpi.h>

static inline int macroscale_mpi_init(void) {
    int provided = 0;
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
}
static inline int macroscale_mpi_rank(void) { int rank = 0; MPI_Comm_rank(MPI_COMM_WORLD, &rank); return rank; }
static inline int macroscale_mpi_size(void) { int size = 1; MPI_Comm_size(MPI_COMM_WORLD, &size); return size; }
static inline int macroscale_mpi_send(const void *bytes, int count, int destination, int tag) {
    return MPI_Send(bytes, count, MPI_BYTE, destination, tag, MPI_COMM_WORLD);
}
static inline int macroscale_mpi_receive(void *bytes, int count, int source, int tag) {
    return MPI_Recv(bytes, count, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}
// Whether a message from `source` with `tag` has arrived (without receiving it).
static inline int macroscale_mpi_arrived(int source, int tag) {
    int flag = 0;
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    return flag;
}
static inline int macroscale_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static inline int macroscale_mpi_finalize(void) { return MPI_Finalize(); }
