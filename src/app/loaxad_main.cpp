#include "daemon/station_daemon.h"

int main(int argc, char** argv) {
  return loaxa::run_loaxad(argc, argv);
}
