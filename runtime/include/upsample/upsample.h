// The whole public API of the upsample library.
#pragma once

#include "upsample/conv.h"
#include "upsample/cpu.h"
#include "upsample/device.h"
#include "upsample/pool.h"
#include "upsample/presets.h"
#include "upsample/resize.h"
#include "upsample/resize_conv.h"
#include "upsample/shuffle.h"
#include "upsample/status.h"
#include "upsample/streaming.h"
#include "upsample/tensor.h"
#include "upsample/threading.h"
#include "upsample/unpool.h"
