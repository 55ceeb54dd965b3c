#pragma once
// --patches for init: the directory is read once, before any phase runs, and every patch is
// applied (in memory, quietly) to what it targets, so a patch that cannot apply stops init
// before it writes anything; the phases then apply the same set where they write.

#include "common/error.h"
#include "init/init_data.h"

namespace kadm::init {

// Fills data.patches from cfg.patches_directory (nothing when it is empty) and checks them.
Status load_init_patches(InitData& data);

}  // namespace kadm::init
