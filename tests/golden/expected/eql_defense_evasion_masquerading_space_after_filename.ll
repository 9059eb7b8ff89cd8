; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 1, i32 17, i32 0]

; Function Attrs: noinline
define internal void @rules_0(ptr %0, ptr %1) #0 {
entry:
  %2 = getelementptr inbounds i8, ptr %0, i64 0
  %atoms = load ptr, ptr %2, align 8
  %3 = getelementptr inbounds i8, ptr %0, i64 8
  %memo = load ptr, ptr %3, align 8
  %4 = getelementptr inbounds i8, ptr %0, i64 16
  %lazy = load ptr, ptr %4, align 8
  %5 = getelementptr inbounds i64, ptr %atoms, i64 0
  %6 = load i64, ptr %5, align 4
  %7 = and i64 %6, 127456
  %8 = and i64 %6, 9
  %9 = xor i64 %8, 9
  %10 = or i64 %9, %7
  %11 = or i64 0, %10
  %12 = icmp eq i64 %11, 0
  br i1 %12, label %and.next, label %and.end

and.end:                                          ; preds = %and.next1, %and.next, %entry
  %13 = phi i1 [ false, %entry ], [ false, %and.next ], [ %37, %and.next1 ]
  %14 = zext i1 %13 to i64
  %15 = shl i64 %14, 0
  %16 = or i64 0, %15
  %17 = getelementptr inbounds i64, ptr %1, i64 0
  %18 = load i64, ptr %17, align 4
  %19 = or i64 %18, %16
  store i64 %19, ptr %17, align 4
  ret void

and.next:                                         ; preds = %entry
  %20 = call i32 %lazy(ptr %0, i32 4)
  %21 = getelementptr inbounds i64, ptr %atoms, i64 0
  %22 = load i64, ptr %21, align 4
  %23 = and i64 %22, 3584
  %24 = and i64 %22, 16
  %25 = xor i64 %24, 16
  %26 = or i64 %25, %23
  %27 = or i64 0, %26
  %28 = icmp eq i64 %27, 0
  br i1 %28, label %and.next1, label %and.end

and.next1:                                        ; preds = %and.next
  %29 = call i32 %lazy(ptr %0, i32 1)
  %30 = getelementptr inbounds i64, ptr %atoms, i64 0
  %31 = load i64, ptr %30, align 4
  %32 = xor i64 %31, -1
  %33 = and i64 %32, 0
  %34 = and i64 %31, 6
  %35 = or i64 %34, %33
  %36 = or i64 0, %35
  %37 = icmp ne i64 %36, 0
  br label %and.end
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
